/**
 * Alert intake through the front door: Alertmanager and PagerDuty post their documented
 * payloads, each alert group opens exactly one draft, and nothing of a draft reaches a page,
 * feed or JSON file until a person releases it with the first public message.
 */
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createToken } from '../../../api/features/access/tokens.ts';
import { listAudit } from '../../../api/features/audit/store.ts';
import { loadAstroRenderer } from '../../../api/site/astro-renderer.ts';
import type { PageRenderer } from '../../../api/site/publisher.ts';
import { makeIncident } from '../../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../../support/app.ts';
import { ROOT } from '../../support/server.ts';
import { makeSubscriberApp, subscribeAndConfirm } from '../../support/subscribers.ts';
import { alertmanagerResolved, alertmanagerSample, pagerDutyHeader, pagerDutySample } from './samples.ts';

const SECRET = 'pd-webhook-secret-0123456789';
const ALERT_TITLE = 'BlackBox Probe Failure';

let renderPage: PageRenderer;
let t: TestApp;
let intake: string;
beforeAll(async () => {
  renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
});
beforeEach(async () => {
  t = await makeTestApp({ renderPage, env: { PAGERDUTY_WEBHOOK_SECRET: SECRET } });
  intake = (await createToken(t.db, 'prometheus', t.clock.now(), 'intake')).token;
});

const postAlert = (body: unknown, token: string | null = intake) => t.call('POST', '/api/intake/alertmanager', body, token);

async function postPagerDuty(body: unknown, signature?: string | null) {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const header = signature === undefined ? pagerDutyHeader(raw, SECRET) : signature;
  if (header !== null) headers['x-pagerduty-signature'] = header;
  const res = await t.app.request('/api/intake/pagerduty', { method: 'POST', headers, body: raw });
  return { status: res.status, json: (await res.json()) as any };
}

const drafts = async () => (await t.call('GET', '/api/admin/incidents?state=draft')).json.incidents as any[];

/** Every published file's text, by path. */
const published = () => new Map(t.snapshot.paths().map((path) => [path, t.snapshot.get(path)?.body.toString() ?? '']));

describe('Alertmanager', () => {
  it('opens a draft from the documented version-4 payload, with severity and detection time from the alert', async () => {
    const res = await postAlert(alertmanagerSample());
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ incident: 'INC-1', opened: true, acknowledged: false, ignored: false, duplicate: false });
    const [draft, ...others] = await drafts();
    expect(others).toEqual([]);
    expect(draft).toMatchObject({
      ref: 'INC-1',
      draft: true,
      title: 'BlackBox Probe Failure: https://server.example.org',
      severity: 'P1',
      status: 'investigating',
      detectedAt: '2023-02-06T13:08:45.828Z',
      acknowledgedAt: null,
      updates: [],
      nextUpdateDueAt: null,
      overdue: false,
    });
    expect(draft.alerts).toEqual([expect.objectContaining({ source: 'alertmanager', status: 'firing', summary: expect.stringContaining('ProbeFailure') })]);
    // Drafts are not open incidents: the ordinary list leaves them out.
    expect((await t.call('GET', '/api/admin/incidents')).json.incidents).toEqual([]);
    const [audit] = await listAudit(t.db, { ref: 'INC-1' });
    expect(audit?.actor).toBe('intake:alertmanager (prometheus)');
  });

  it('maps a service label through content/intake.json', async () => {
    const sample = alertmanagerSample();
    const labels = { ...sample.commonLabels, service: 'postgres', severity: 'warning' };
    const res = await postAlert({ ...sample, groupKey: 'db', commonLabels: labels, alerts: sample.alerts.map((a) => ({ ...a, labels })) });
    expect(res.json.opened).toBe(true);
    const [draft] = await drafts();
    expect(draft.services.map((s: { slug: string }) => s.slug)).toEqual(['database']);
    expect(draft.severity).toBe('P2');
    // Naming a service in a draft does not change what customers see of it.
    expect(draft.services[0].status).toBe('operational');
  });

  it('drops from an alert’s text what the feeds and the database cannot carry, keeping the rest', async () => {
    const sample = alertmanagerSample();
    const annotations = { ...sample.commonAnnotations, summary: 'Disk\u0000 full\u0007 on db-1 \ud83d' };
    const res = await postAlert({ ...sample, commonAnnotations: annotations, alerts: sample.alerts.map((a) => ({ ...a, annotations })) });
    expect(res.json.opened).toBe(true);
    const [draft] = await drafts();
    expect(draft.title).toBe('Disk full on db-1 \ufffd');
  });

  it('attaches repeated notifications of one group, sequential or concurrent, to one draft', async () => {
    await postAlert(alertmanagerSample());
    await postAlert(alertmanagerSample());
    const concurrent = await Promise.all([postAlert(alertmanagerSample()), postAlert(alertmanagerSample())]);
    expect(concurrent.map((r) => r.json.incident)).toEqual(['INC-1', 'INC-1']);
    expect(concurrent.map((r) => r.json.opened)).toEqual([false, false]);
    const list = await drafts();
    expect(list.map((d) => d.ref)).toEqual(['INC-1']);
    expect(list[0].alerts).toHaveLength(4);
  });

  it('opens one draft per group when two new groups arrive at once', async () => {
    const other = { ...alertmanagerSample(), groupKey: '{}:{alertname="Other"}' };
    const results = await Promise.all([postAlert(alertmanagerSample()), postAlert(other), postAlert(alertmanagerSample()), postAlert(other)]);
    expect(results.filter((r) => r.json.opened)).toHaveLength(2);
    expect((await drafts()).map((d) => d.ref).sort()).toEqual(['INC-1', 'INC-2']);
  });

  it('notes a resolved notification on the draft, internally, and opens nothing for a group never seen', async () => {
    await postAlert(alertmanagerSample());
    const resolved = await postAlert(alertmanagerResolved());
    expect(resolved.json).toMatchObject({ incident: 'INC-1', opened: false });
    const [draft] = await drafts();
    expect(draft.draft).toBe(true);
    expect(draft.alerts.map((a: { status: string }) => a.status)).toEqual(['firing', 'resolved']);
    const unseen = await postAlert({ ...alertmanagerResolved(), groupKey: 'never-fired' });
    expect(unseen.json).toEqual({ incident: null, opened: false, acknowledged: false, ignored: false, duplicate: false });
    expect(await drafts()).toHaveLength(1);
  });

  it('keeps only http(s) links from a payload for the desk to show', async () => {
    const sample = alertmanagerSample();
    await postAlert({ ...sample, externalURL: 'javascript:alert(1)', alerts: sample.alerts.map((a) => ({ ...a, generatorURL: 'javascript:alert(2)' })) });
    await postAlert(sample);
    const [draft] = await drafts();
    expect(draft.alerts.map((a: { link: string | null }) => a.link)).toEqual([null, sample.alerts[0]!.generatorURL]);
  });

  it('takes a group of a hundred alerts (larger than a public form may be), one draft for all', async () => {
    const sample = alertmanagerSample();
    const alerts = Array.from({ length: 100 }, (_, n) => ({
      ...sample.alerts[0]!,
      labels: { ...sample.alerts[0]!.labels, instance: `https://probe-${n}.example.org` },
      fingerprint: `f${n}`,
    }));
    const body = { ...sample, alerts };
    expect(JSON.stringify(body).length).toBeGreaterThan(16 * 1024);
    const res = await postAlert(body);
    expect(res.status).toBe(200);
    expect(res.json.opened).toBe(true);
  });

  it('refuses a payload that is not version 4 (400) and an alert without a token (401)', async () => {
    expect((await postAlert({ ...alertmanagerSample(), version: '3' })).status).toBe(400);
    const anonymous = await postAlert(alertmanagerSample(), null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error.code).toBe('unauthorized');
  });
});

describe('a draft is never public until a person releases it', () => {
  it('is not named in the uptime bars of a service that is down while the draft is open', async () => {
    const sample = alertmanagerSample();
    const labels = { ...sample.commonLabels, service: 'public-api' };
    await postAlert({ ...sample, commonLabels: labels, alerts: sample.alerts.map((a) => ({ ...a, labels: { ...a.labels, service: 'public-api' } })) });
    expect((await t.call('PATCH', '/api/admin/services/api', { status: 'partial_outage' })).status).toBe(200);
    t.clock.advance(42 * 60_000);
    await t.publisher.publish('all');
    for (const path of ['/', '/services/api']) {
      const body = published().get(path) ?? '';
      expect(body, path).toMatch(/partial outage 42 min/);
      expect(body, path).not.toContain('INC-1');
    }
  });

  it('shows nothing of it on any page, feed or JSON, then everything once released, notifying as a declaration', async () => {
    await postAlert(alertmanagerSample());
    await t.publisher.publish('all');
    const before = published();
    expect([...before.keys()]).toEqual(
      expect.arrayContaining(['/', '/feed.xml', '/api/v2/incidents.json', '/api/v2/summary.json', '/history', '/embed', '/badge.svg']),
    );
    expect(before.has('/incidents/INC-1')).toBe(false);
    for (const [path, body] of before) {
      expect(body, path).not.toContain(ALERT_TITLE);
      expect(body, path).not.toContain('INC-1');
    }
    expect((await t.app.request('/incidents/INC-1')).status).toBe(404);
    const search = await t.app.request('/search?q=Probe');
    expect(search.status).toBe(200);
    expect(await search.text()).not.toContain(ALERT_TITLE);
    // No update can be slipped in before publication.
    expect((await t.call('POST', '/api/admin/incidents/INC-1/updates', { status: 'mitigating', message: 'x' })).status).toBe(409);

    const message = 'Some customers cannot reach the dashboard. We are investigating.';
    const res = await t.call('POST', '/api/admin/incidents/INC-1/publish', {
      status: 'investigating',
      message,
      title: 'Dashboard unreachable for some customers',
      services: [{ slug: 'web-app', status: 'partial_outage' }],
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ ref: 'INC-1', draft: false, title: 'Dashboard unreachable for some customers', startedAt: t.clock.now().toISOString() });
    expect(res.json.updates).toHaveLength(1);
    expect(res.json.nextUpdateDueAt).toBe('2026-03-10T12:30:00.000Z');

    const after = published();
    expect(after.get('/incidents/INC-1')).toContain(message);
    expect(after.get('/')).toContain('Dashboard unreachable for some customers');
    expect(after.get('/feed.xml')).toContain('Dashboard unreachable for some customers');
    expect(after.get('/api/v2/incidents.json')).toContain('Dashboard unreachable for some customers');
    for (const [path, body] of after) expect(body, path).not.toContain(ALERT_TITLE);
    // Subscribers and webhooks hear of it as of a declaration: the P1's first update notifies.
    const { rows } = await t.db.execute('SELECT count(*) AS n FROM incident_updates WHERE incident_id = 1 AND notify = 1');
    expect(Number(rows[0]?.n)).toBe(1);
    expect(await drafts()).toEqual([]);
    expect((await t.call('POST', '/api/admin/incidents/INC-1/publish', { status: 'investigating', message })).status).toBe(409);
    const actions = (await listAudit(t.db, { ref: 'INC-1' })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['incident.draft', 'incident.alert', 'incident.release']));
  });

  it('asks again when the first message would show customers internals (422), as declaring does', async () => {
    const sample = alertmanagerSample();
    await postAlert({ ...sample, commonAnnotations: { summary: 'Probe failing on db-prod-3.internal' } });
    const res = await t.call('POST', '/api/admin/incidents/INC-1/publish', { status: 'investigating', message: 'We are looking into it.' });
    // The alert's own title names an internal host; the person rewords it or acknowledges it.
    expect(res.status).toBe(422);
    expect(res.json.error.fields.map((f: { path: string }) => f.path)).toContain('title');
    expect((await drafts()).map((d) => d.ref)).toEqual(['INC-1']);
    const reworded = await t.call('POST', '/api/admin/incidents/INC-1/publish', {
      status: 'investigating',
      message: 'We are looking into it.',
      title: 'Sign-in is slow',
    });
    expect(reworded.status).toBe(201);
  });

  it('leaves the freshness watchdog and the escalation matrix alone while it is a draft', async () => {
    await postAlert(alertmanagerSample());
    t.clock.advance(3 * 3600_000);
    await t.herald.watchdog.tick();
    const { rows: flags } = await t.db.execute('SELECT count(*) AS n FROM freshness_flags');
    const { rows: notices } = await t.db.execute('SELECT count(*) AS n FROM plan_notices');
    expect(Number(flags[0]?.n)).toBe(0);
    expect(Number(notices[0]?.n)).toBe(0);
    expect((await t.call('GET', '/healthz/freshness')).status).not.toBe(503);
  });

  it('attaches a group firing again to the released incident while it is open, and opens a new draft once it is resolved', async () => {
    await postAlert(alertmanagerSample());
    await t.call('POST', '/api/admin/incidents/INC-1/publish', {
      status: 'investigating',
      message: 'We are investigating.',
      title: 'Dashboard slow',
      acknowledgeWarnings: true,
    });
    expect((await postAlert(alertmanagerSample())).json).toMatchObject({ incident: 'INC-1', opened: false });
    await t.call('POST', '/api/admin/incidents/INC-1/updates', { status: 'resolved', message: 'Fixed.' });
    expect((await postAlert(alertmanagerSample())).json).toMatchObject({ incident: 'INC-2', opened: true });
  });
});

describe('a false alarm', () => {
  it('is discarded: off the drafts list, never public, and the group opens a new draft when it fires again', async () => {
    await postAlert(alertmanagerSample());
    const res = await t.call('POST', '/api/admin/incidents/INC-1/discard');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ref: 'INC-1', draft: true, status: 'resolved' });
    expect(await drafts()).toEqual([]);
    expect((await t.call('POST', '/api/admin/incidents/INC-1/discard')).status).toBe(409);
    expect((await t.call('POST', '/api/admin/incidents/INC-1/publish', { status: 'investigating', message: 'x' })).status).toBe(409);
    expect((await t.call('POST', '/api/admin/incidents/INC-1/reopen', { message: 'x' })).status).toBe(409);
    await t.publisher.publish('all');
    for (const [path, body] of published()) expect(body, path).not.toContain(ALERT_TITLE);
    expect((await postAlert(alertmanagerSample())).json).toMatchObject({ incident: 'INC-2', opened: true });
    expect((await listAudit(t.db, { ref: 'INC-1' })).map((a) => a.action)).toContain('incident.discard');
  });

  it('cannot be claimed of a declared incident (409)', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident());
    expect((await t.call('POST', '/api/admin/incidents/INC-1/discard')).status).toBe(409);
  });
});

describe('PagerDuty', () => {
  it('opens a draft from incident.triggered, records incident.acknowledged, notes incident.resolved', async () => {
    const triggered = await postPagerDuty(pagerDutySample('incident.triggered'));
    expect(triggered.status).toBe(200);
    expect(triggered.json).toEqual({ incident: 'INC-1', opened: true, acknowledged: false, ignored: false, duplicate: false });
    const acked = await postPagerDuty(pagerDutySample('incident.acknowledged', '2026-03-10T11:58:00.000Z'));
    expect(acked.json).toEqual({ incident: 'INC-1', opened: false, acknowledged: true, ignored: false, duplicate: false });
    await postPagerDuty(pagerDutySample('incident.resolved', '2026-03-10T11:59:00.000Z'));
    const list = await drafts();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      title: 'A little bump in the road',
      severity: 'P1',
      detectedAt: '2020-04-09T15:16:27.000Z',
      acknowledgedAt: '2026-03-10T11:58:00.000Z',
    });
    expect(list[0].alerts.map((a: { status: string }) => a.status)).toEqual(['firing', 'acknowledged', 'resolved']);
    const [audit] = await listAudit(t.db, { ref: 'INC-1' });
    expect(audit?.actor).toBe('intake:pagerduty (signed webhook)');
  });

  it('accepts any one matching signature among several (a secret being rotated)', async () => {
    const body = pagerDutySample();
    const header = pagerDutyHeader(JSON.stringify(body), 'the-old-secret-0123456789', SECRET);
    expect((await postPagerDuty(body, header)).json.opened).toBe(true);
  });

  it.each([
    ['a forged signature', pagerDutyHeader(JSON.stringify(pagerDutySample()), 'not-the-secret-0123456789')],
    ['a signature of another body', pagerDutyHeader('{}', SECRET)],
    ['a truncated signature', pagerDutyHeader(JSON.stringify(pagerDutySample()), SECRET).slice(0, -2)],
    ['no signature', null],
  ])('refuses %s with 401 and opens nothing', async (_, header) => {
    const res = await postPagerDuty(pagerDutySample(), header);
    expect(res.status).toBe(401);
    expect(res.json.error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('X-PagerDuty-Signature') });
    expect(await drafts()).toEqual([]);
  });

  it('refuses every post while PAGERDUTY_WEBHOOK_SECRET is not set, signed or not', async () => {
    t = await makeTestApp();
    const body = JSON.stringify(pagerDutySample());
    const res = await t.app.request('/api/intake/pagerduty', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pagerduty-signature': pagerDutyHeader(body, SECRET) },
      body,
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error).toMatchObject({ code: 'not_configured', message: expect.stringContaining('PAGERDUTY_WEBHOOK_SECRET') });
  });

  it('accepts and ignores events it does not act on', async () => {
    const res = await postPagerDuty({
      event: {
        id: 'x',
        event_type: 'pagey.ping',
        resource_type: 'pagey',
        occurred_at: '2026-03-10T11:00:00Z',
        data: { type: 'ping', message: 'Hello from your friend Pagey!' },
      },
    });
    expect(res.json).toEqual({ incident: null, opened: false, acknowledged: false, ignored: true, duplicate: false });
  });
});

describe('who may post alerts', () => {
  it('gives an intake token nothing but the intake: 403 on every admin route', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/admin/incidents'],
      ['GET', '/api/admin/incidents?state=draft'],
      ['POST', '/api/admin/incidents', makeIncident()],
      ['POST', '/api/admin/incidents/INC-1/publish', { status: 'investigating', message: 'x' }],
      ['GET', '/api/admin/services'],
    ] as const) {
      const res = await t.call(method, path, body, intake);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.error.message).toContain('intake');
    }
  });

  it('refuses comms and support tokens on the intake (403)', async () => {
    const comms = (await createToken(t.db, 'comms-bot', t.clock.now(), 'comms')).token;
    const support = (await createToken(t.db, 'helpdesk', t.clock.now(), 'support')).token;
    expect((await postAlert(alertmanagerSample(), comms)).status).toBe(403);
    expect((await postAlert(alertmanagerSample(), support)).status).toBe(403);
    expect(await drafts()).toEqual([]);
  });

  it('documents both intake routes and the release route (at its public path, /publish)', async () => {
    const doc = (await t.call('GET', '/api/openapi.json')).json;
    expect(Object.keys(doc.paths['/api/intake/alertmanager'])).toEqual(['post']);
    expect(doc.paths['/api/intake/pagerduty'].post.security).toEqual([]);
    expect(Object.keys(doc.paths['/api/admin/incidents/{ref}/publish'])).toEqual(['post']);
  });
});

describe('subscribers', () => {
  it('hear nothing of a draft, and of its publication as of a declaration', async () => {
    const s = await makeSubscriberApp();
    try {
      await subscribeAndConfirm(s, 'ann@example.test');
      const token = (await createToken(s.db, 'prometheus', s.clock.now(), 'intake')).token;
      expect((await s.request('POST', '/api/intake/alertmanager', { json: alertmanagerSample(), token })).status).toBe(200);
      expect(await s.deliver()).toEqual([]);
      const message = 'Some customers cannot reach the dashboard. We are investigating.';
      expect(
        (await s.request('POST', '/api/admin/incidents/INC-1/publish', { json: { status: 'investigating', message, title: 'Dashboard unreachable' } })).status,
      ).toBe(201);
      const mails = await s.deliver();
      expect(mails.map((m) => m.to)).toEqual(['ann@example.test']);
      expect(mails[0]?.parsed.text).toContain(message);
      expect(mails[0]?.parsed.text).not.toContain(ALERT_TITLE);
    } finally {
      await s.close();
    }
  });
});

describe('a replayed PagerDuty webhook', () => {
  it('is taken once: the same signed event sent again answers 200 and changes nothing', async () => {
    const body = pagerDutySample('incident.triggered');
    expect((await postPagerDuty(body)).json).toMatchObject({ incident: 'INC-1', opened: true, duplicate: false });
    const again = await postPagerDuty(body);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ incident: 'INC-1', opened: false, acknowledged: false, ignored: false, duplicate: true });
    const [draft, ...others] = await drafts();
    expect(others).toEqual([]);
    expect(draft.alerts).toHaveLength(1);
    expect(await (await t.app.request('/metrics')).text()).toMatch(/herald_intake_refused_total\{source="pagerduty",reason="duplicate"\} 1/);
  });

  it('opens no new draft once its draft is gone, however often it is sent again', async () => {
    const body = pagerDutySample('incident.triggered');
    await postPagerDuty(body);
    expect((await t.call('POST', '/api/admin/incidents/INC-1/discard')).status).toBe(200);
    t.clock.advance(10 * 60_000);
    expect((await postPagerDuty(body)).json).toMatchObject({ incident: 'INC-1', opened: false, duplicate: true });
    // Past the replay window the event is refused by its age, with a reason.
    t.clock.advance(2 * 3600_000);
    const late = await postPagerDuty(body);
    expect(late.status).toBe(422);
    expect(late.json.error).toMatchObject({ code: 'stale_event', fields: [{ path: 'event.occurred_at' }] });
    expect(late.json.error.message).toMatch(/^\[Intake\] Refused pagerduty event .*occurred at 2026-03-10T11:59:00\.000Z, more than 60 minutes ago/);
    expect(await drafts()).toEqual([]);
    expect((await t.call('GET', '/api/admin/incidents?state=all')).json.incidents.map((i: { ref: string }) => i.ref)).toEqual(['INC-1']);
  });

  it.each([
    ['from 1971, opening a draft that fires every escalation', '1971-01-01T00:00:00.000Z', /occurred at 1971-01-01T00:00:00\.000Z, more than 60 minutes ago/],
    ['from just past the hour', '2026-03-10T10:59:59.000Z', /more than 60 minutes ago/],
    ['from well ahead of the clock', '2026-03-10T12:06:00.000Z', /more than 5 minutes ahead of this server's clock/],
  ])('refuses a signed event %s (422, saying why) and opens nothing', async (_name, occurredAt, why) => {
    const body = pagerDutySample('incident.triggered', occurredAt);
    body.event.data.created_at = occurredAt;
    const res = await postPagerDuty(body);
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('stale_event');
    expect(res.json.error.message).toMatch(why);
    expect(await drafts()).toEqual([]);
    expect(await (await t.app.request('/metrics')).text()).toMatch(/herald_intake_refused_total\{source="pagerduty",reason="stale"\} 1/);
  });

  it('takes an event from within the hour, or a minute ahead of the clock', async () => {
    expect((await postPagerDuty(pagerDutySample('incident.triggered', '2026-03-10T11:01:00.000Z'))).json.opened).toBe(true);
    expect((await postPagerDuty(pagerDutySample('incident.acknowledged', '2026-03-10T12:01:00.000Z'))).json.acknowledged).toBe(true);
  });

  it('refuses an incident event that says nothing of when it occurred (422)', async () => {
    const body = pagerDutySample('incident.triggered') as { event: Record<string, unknown> };
    delete body.event.occurred_at;
    const res = await postPagerDuty(body);
    expect(res.status).toBe(422);
    expect(res.json.error.message).toContain('says nothing of when it occurred (occurred_at)');
    expect(await drafts()).toEqual([]);
  });
});

describe('an alert storm', () => {
  const group = (n: number, service?: string) => {
    const sample = alertmanagerSample();
    const labels = { ...sample.commonLabels, alertname: `Storm${n}`, ...(service ? { service } : {}) };
    return { ...sample, groupKey: `{}:{alertname="Storm${n}"}`, commonLabels: labels, alerts: sample.alerts.map((a) => ({ ...a, labels })) };
  };

  it('folds new groups naming a service an open draft names into that draft', async () => {
    expect((await postAlert(group(1, 'postgres'))).json).toMatchObject({ incident: 'INC-1', opened: true });
    expect((await postAlert(group(2, 'db'))).json).toMatchObject({ incident: 'INC-1', opened: false });
    expect((await postAlert(group(3, 'api-gateway'))).json).toMatchObject({ incident: 'INC-2', opened: true });
    const list = await drafts();
    expect(list.map((d) => d.ref).sort()).toEqual(['INC-1', 'INC-2']);
    expect(list.find((d) => d.ref === 'INC-1').alerts).toHaveLength(2);
    // The folded group keeps attaching to the draft it was folded into.
    expect((await postAlert(group(2, 'db'))).json).toMatchObject({ incident: 'INC-1', opened: false });
  });

  it('opens at most 50 drafts: past them a new group is refused with 429 and Retry-After, counted, and groups already open are still taken', async () => {
    for (let n = 1; n <= 50; n++) expect((await postAlert(group(n))).json.opened, `group ${n}`).toBe(true);
    const refused = await postAlert(group(51));
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('too_many_requests');
    expect(refused.json.error.message).toMatch(/^\[Intake\] 50 drafts from alerts are open, the most Herald keeps/);
    const raw = await t.app.request('/api/intake/alertmanager', {
      method: 'POST',
      headers: { authorization: `Bearer ${intake}`, 'content-type': 'application/json' },
      body: JSON.stringify(group(52)),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('60');
    expect(await drafts()).toHaveLength(50);
    expect(await (await t.app.request('/metrics')).text()).toMatch(/herald_intake_refused_total\{source="alertmanager",reason="draft_cap"\} 2/);
    // An alert of a group already open is noted as ever; one draft discarded makes room for one more.
    expect((await postAlert(group(7))).json).toMatchObject({ incident: 'INC-7', opened: false });
    expect((await t.call('POST', '/api/admin/incidents/INC-7/discard')).status).toBe(200);
    expect((await postAlert(group(51))).json).toMatchObject({ opened: true });
    expect((await postAlert(group(53))).status).toBe(429);
  });
});
