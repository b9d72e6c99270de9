/**
 * Status proposals through the front door: Alertmanager and PagerDuty post as they do, the
 * admin API lists, applies and dismisses, and the public JSON says what readers see.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createToken } from '../../../api/features/access/tokens.ts';
import { listAudit } from '../../../api/features/audit/store.ts';
import { proposeStatus } from '../../../api/features/proposals/index.ts';
import { as } from '../../../api/platform/commands.ts';
import { makeTestApp, type TestApp } from '../../support/app.ts';
import { pagerDutyHeader, pagerDutySample } from '../drafts/samples.ts';
import { alertmanagerPost, contentWithAutoStatus } from './alerts.ts';

const PD_SECRET = 'pd-webhook-secret-0123456789';
let t: TestApp;
let intake: string;

async function start(contentDir?: string) {
  t = await makeTestApp({ env: { PAGERDUTY_WEBHOOK_SECRET: PD_SECRET, ...(contentDir ? { CONTENT_DIR: contentDir } : {}) } });
  intake = (await createToken(t.db, 'prometheus', t.clock.now(), 'intake')).token;
}

const postAlert = async (body: unknown) => {
  const res = await t.call('POST', '/api/intake/alertmanager', body, intake);
  expect(res.status, res.text).toBe(200);
  return res;
};
const proposals = async (state = 'open') => (await t.call('GET', `/api/admin/proposals?state=${state}`)).json.proposals as any[];
/** A service's status as the published Statuspage JSON says it: what readers see. */
const publicStatus = (slug: string) =>
  (JSON.parse(t.snapshot.get('/api/v2/components.json')?.body.toString() ?? '{}').components as { id: string; status: string }[]).find((c) => c.id === slug)
    ?.status;
const serviceEvents = async (slug: string) =>
  (
    await t.db.execute({
      sql: 'SELECT e.to_status, e.automatic FROM service_events e JOIN services s ON s.id = e.service_id WHERE s.slug = ? ORDER BY e.id',
      args: [slug],
    })
  ).rows;

describe('an alert reaching intake', () => {
  beforeEach(() => start());

  it('proposes degraded performance for the service its labels name, and publishes nothing', async () => {
    const res = await postAlert(alertmanagerPost('ApiDown', { service: 'api' }));
    expect(res.json.opened).toBe(true); // the draft is still opened, as before
    const [proposal, ...others] = await proposals();
    expect(others).toEqual([]);
    expect(proposal).toMatchObject({
      service: { slug: 'api', name: 'Public API', status: 'operational' },
      status: 'degraded_performance',
      state: 'open',
      firing: true,
      origin: 'alertmanager',
      source: 'Alertmanager alert ApiDown',
      reason: 'ApiDown on api',
    });
    expect(publicStatus('api')).toBe('operational');
    expect(await serviceEvents('api')).toEqual([]);
  });

  it('maps a label value to its service through content/intake.json, and takes the status its label names', async () => {
    await postAlert(alertmanagerPost('GatewayDown', { service: 'api-gateway', labels: { status_page_status: 'major_outage' } }));
    expect((await proposals()).map((p) => [p.service.slug, p.status])).toEqual([['api', 'major_outage']]);
  });

  it('updates the same proposal when the same alert fires again, rather than adding one', async () => {
    await postAlert(alertmanagerPost('ApiDown'));
    const [first] = await proposals();
    t.clock.advance(5 * 60_000);
    await postAlert(alertmanagerPost('ApiDown', { labels: { status_page_status: 'partial_outage' } }));
    const listed = await proposals('all');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: first.id, status: 'partial_outage', state: 'open' });
    expect(listed[0].updatedAt).not.toBe(first.updatedAt);
  });

  it('makes one proposal per alert: two alerts on one service are two proposals', async () => {
    await postAlert(alertmanagerPost('ApiDown'));
    await postAlert(alertmanagerPost('ApiSlow'));
    expect((await proposals()).map((p) => p.source).sort()).toEqual(['Alertmanager alert ApiDown', 'Alertmanager alert ApiSlow']);
  });

  it('closes its proposal when it resolves before anyone acted', async () => {
    await postAlert(alertmanagerPost('ApiDown'));
    await postAlert(alertmanagerPost('ApiDown', { status: 'resolved' }));
    expect(await proposals()).toEqual([]);
    expect((await proposals('closed')).map((p) => [p.service.slug, p.firing])).toEqual([['api', false]]);
    expect(publicStatus('api')).toBe('operational');
  });

  it('proposes operational once an applied alert resolves', async () => {
    await postAlert(alertmanagerPost('ApiDown'));
    const [proposal] = await proposals();
    expect((await t.call('POST', `/api/admin/proposals/${proposal.id}/apply`)).status).toBe(200);
    await postAlert(alertmanagerPost('ApiDown', { status: 'resolved' }));
    const [back] = await proposals();
    expect(back).toMatchObject({ id: proposal.id, status: 'operational', firing: false, state: 'open' });
    expect(publicStatus('api')).toBe('degraded_performance');
    await t.call('POST', `/api/admin/proposals/${back.id}/apply`);
    expect(publicStatus('api')).toBe('operational');
  });

  it('proposes from a PagerDuty incident on a mapped service, and resolves it', async () => {
    const post = async (type: string) => {
      const body = pagerDutySample(type);
      body.event.data.service.summary = 'Public API';
      const raw = JSON.stringify(body);
      const res = await t.app.request('/api/intake/pagerduty', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-pagerduty-signature': pagerDutyHeader(raw, PD_SECRET) },
        body: raw,
      });
      expect(res.status).toBe(200);
    };
    await post('incident.triggered');
    expect((await proposals()).map((p) => [p.service.slug, p.status, p.origin])).toEqual([['api', 'degraded_performance', 'pagerduty']]);
    await post('incident.resolved');
    expect(await proposals()).toEqual([]);
  });
});

describe('applying and dismissing', () => {
  beforeEach(() => start());

  it('applies a proposal as a manual change: published, audited with who and from which alert', async () => {
    await postAlert(alertmanagerPost('ApiDown'));
    const [proposal] = await proposals();
    const res = await t.call('POST', `/api/admin/proposals/${proposal.id}/apply`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ state: 'applied', decidedBy: 'env:HERALD_ADMIN_TOKEN', service: { status: 'degraded_performance' } });
    expect(publicStatus('api')).toBe('degraded_performance');
    expect(await serviceEvents('api')).toEqual([{ to_status: 'degraded_performance', automatic: 0 }]);
    const [entry] = await listAudit(t.db, { entity: 'service', ref: 'api' });
    expect(entry).toMatchObject({
      actor: 'env:HERALD_ADMIN_TOKEN',
      action: 'service.status',
      after: { status: 'degraded_performance', note: 'applied from Alertmanager alert ApiDown' },
    });
    expect(await proposals()).toEqual([]);
  });

  it('refuses to apply a proposal twice, or one dismissed', async () => {
    await postAlert(alertmanagerPost('ApiDown'));
    await postAlert(alertmanagerPost('DbDown', { service: 'postgres' }));
    const [db, api] = (await proposals()).sort((a, b) => (a.service.slug < b.service.slug ? -1 : 1)).reverse();
    expect((await t.call('POST', `/api/admin/proposals/${api.id}/apply`)).status).toBe(200);
    const again = await t.call('POST', `/api/admin/proposals/${api.id}/apply`);
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/^\[Proposals\] Proposal \d+ \(Public API: degraded_performance\) is applied by env:HERALD_ADMIN_TOKEN/);
    expect((await t.call('POST', `/api/admin/proposals/${db.id}/dismiss`)).status).toBe(200);
    expect((await t.call('POST', `/api/admin/proposals/${db.id}/apply`)).status).toBe(409);
    expect(publicStatus('database')).toBe('operational');
    expect((await t.call('POST', '/api/admin/proposals/999/apply')).status).toBe(404);
    expect((await t.call('POST', '/api/admin/proposals/abc/dismiss')).status).toBe(404);
  });

  it('keeps a dismissed proposal dismissed while its alert keeps firing, and proposes anew after it resolved', async () => {
    await postAlert(alertmanagerPost('ApiDown'));
    const [proposal] = await proposals();
    await t.call('POST', `/api/admin/proposals/${proposal.id}/dismiss`);
    t.clock.advance(4 * 3600_000);
    await postAlert(alertmanagerPost('ApiDown')); // Alertmanager's repeat_interval
    expect(await proposals()).toEqual([]);
    expect((await proposals('dismissed')).map((p) => p.id)).toEqual([proposal.id]);
    await postAlert(alertmanagerPost('ApiDown', { status: 'resolved' }));
    expect(await proposals()).toEqual([]);
    await postAlert(alertmanagerPost('ApiDown'));
    expect((await proposals()).map((p) => [p.id, p.state])).toEqual([[proposal.id, 'open']]);
  });

  it('lets the roles that set service status apply, and the others only read', async () => {
    await postAlert(alertmanagerPost('ApiDown'));
    const [proposal] = await proposals();
    const support = (await createToken(t.db, 'helpdesk', t.clock.now(), 'support')).token;
    expect((await t.call('GET', '/api/admin/proposals', undefined, support)).json.proposals).toHaveLength(1);
    expect((await t.call('POST', `/api/admin/proposals/${proposal.id}/apply`, undefined, support)).status).toBe(403);
    expect((await t.call('POST', `/api/admin/proposals/${proposal.id}/dismiss`, undefined, intake)).status).toBe(403);
    const comms = (await createToken(t.db, 'comms', t.clock.now(), 'comms')).token;
    expect((await t.call('POST', `/api/admin/proposals/${proposal.id}/apply`, undefined, comms)).json.decidedBy).toBe('token:comms');
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/api/openapi.json', undefined, null)).json;
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/admin/proposals'))).toEqual([
      '/api/admin/proposals',
      '/api/admin/proposals/{id}/apply',
      '/api/admin/proposals/{id}/dismiss',
    ]);
  });
});

describe('a service with "autoStatus"', () => {
  beforeEach(() => start(contentWithAutoStatus('api')));

  it('takes the proposal at once, status only, and says it was automatic', async () => {
    await postAlert(alertmanagerPost('ApiDown'));
    expect(publicStatus('api')).toBe('degraded_performance');
    expect(await proposals()).toEqual([]);
    expect((await proposals('applied'))[0]).toMatchObject({ decidedBy: 'automatic', status: 'degraded_performance' });
    expect(await serviceEvents('api')).toEqual([{ to_status: 'degraded_performance', automatic: 1 }]);
    const [entry] = await listAudit(t.db, { entity: 'service', ref: 'api' });
    expect(entry).toMatchObject({ actor: 'intake:alertmanager (prometheus)', after: { note: 'set automatically from Alertmanager alert ApiDown' } });
    // Never words: the draft the alert opened stays a draft.
    expect((await t.call('GET', '/api/admin/incidents?state=draft')).json.incidents).toHaveLength(1);
    expect(JSON.parse(t.snapshot.get('/api/v2/incidents.json')?.body.toString() ?? '{}').incidents).toEqual([]);
  });

  it('returns to operational when its alert resolves, only once no other alert for it still fires', async () => {
    await postAlert(alertmanagerPost('ApiDown'));
    await postAlert(alertmanagerPost('ApiSlow'));
    await postAlert(alertmanagerPost('ApiDown', { status: 'resolved' }));
    expect(publicStatus('api')).toBe('degraded_performance');
    await postAlert(alertmanagerPost('ApiSlow', { status: 'resolved' }));
    expect(publicStatus('api')).toBe('operational');
    expect((await serviceEvents('api')).map((e) => [e.to_status, e.automatic])).toEqual([
      ['degraded_performance', 1],
      ['operational', 1],
    ]);
  });

  it('never lowers a worse status, and leaves the proposal to a person', async () => {
    await t.call('PATCH', '/api/admin/services/api', { status: 'major_outage' });
    await postAlert(alertmanagerPost('ApiSlow'));
    expect(publicStatus('api')).toBe('major_outage');
    expect((await proposals()).map((p) => p.status)).toEqual(['degraded_performance']);
  });

  it('leaves services without it to a person', async () => {
    await postAlert(alertmanagerPost('DbDown', { service: 'postgres' }));
    expect(publicStatus('database')).toBe('operational');
    expect((await proposals()).map((p) => p.service.slug)).toEqual(['database']);
  });
});

describe('proposeStatus', () => {
  beforeEach(() => start());

  it('takes a signal other than an alert, keyed by its source unless given a key', async () => {
    const ctx = as(t.herald.commands, { kind: 'system', job: 'maintenance' });
    const signal = {
      origin: 'availability',
      services: ['api', 'no-such-service'],
      status: 'major_outage' as const,
      source: 'availability of api at 0 for 5 min',
      reason: 'probe_success 0',
    };
    expect(await proposeStatus(ctx, signal)).toEqual([{ service: 'api', proposal: expect.any(Number), state: 'open', automatic: false }]);
    await proposeStatus(ctx, signal);
    expect((await proposals()).map((p) => [p.source, p.status, p.reason])).toEqual([['availability of api at 0 for 5 min', 'major_outage', 'probe_success 0']]);
    await proposeStatus(ctx, { ...signal, status: 'operational' });
    expect(await proposals()).toEqual([]);
  });
});
