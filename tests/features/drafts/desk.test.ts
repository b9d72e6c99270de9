/**
 * Drafts on the desk: at the top of the dashboard, with a release form that goes through the
 * same command as the API; support sees them but cannot release them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createToken } from '../../../api/features/access/tokens.ts';
import { makeDesk, textOf, type Desk } from '../../support/desk.ts';
import { alertmanagerSample } from './samples.ts';

let d: Desk;
let s: { cookie: string; csrf: string };
beforeEach(async () => {
  d = await makeDesk({ start: '2026-03-10T12:00:00.000Z' });
  await d.addUser('comms@example.test', 'comms', 'Casey Comms');
  await d.addUser('support@example.test', 'support', 'Sol Support');
  s = await d.signIn('comms@example.test');
  const intake = (await createToken(d.db, 'prometheus', d.clock.now(), 'intake')).token;
  expect((await d.call('POST', '/api/intake/alertmanager', alertmanagerSample(), intake)).status).toBe(200);
  // An ordinary open incident too, so the dashboard's order can be seen.
  expect((await d.call('POST', '/api/admin/incidents', { title: 'Billing delays', severity: 'P2', message: 'Invoices are late.', services: [] })).status).toBe(
    201,
  );
});

describe('drafts on the desk', () => {
  it('lists drafts above the open incidents, with the alerts and a release form', async () => {
    const res = await d.get('/admin', s.cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = textOf(html);
    expect(text.indexOf('Drafts from alerts')).toBeGreaterThan(-1);
    expect(text.indexOf('INC-1: BlackBox Probe Failure')).toBeLessThan(text.indexOf('Open incidents'));
    expect(text.indexOf('INC-2: Billing delays')).toBeGreaterThan(text.indexOf('Open incidents'));
    expect(text).toContain('not acknowledged');
    expect(text).toContain('ProbeFailure');
    expect(html).toContain('action="/admin/incidents/INC-1/release"');
  });

  it('releases a draft from the form with the first message a person wrote', async () => {
    const res = await d.post(
      '/admin/incidents/INC-1/release',
      { _csrf: s.csrf, title: 'Status checks failing', status: 'investigating', message: 'Some pages load slowly. We are investigating.' },
      { cookie: s.cookie },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/incidents/INC-1?done=released');
    const incident = (await d.call('GET', '/api/admin/incidents/INC-1')).json;
    expect(incident).toMatchObject({ draft: false, title: 'Status checks failing' });
    expect(incident.updates[0]).toMatchObject({ message: 'Some pages load slowly. We are investigating.' });
    expect(d.snapshot.get('/incidents/INC-1')?.body.toString()).toContain('Some pages load slowly.');
    expect(textOf(await (await d.get('/admin', s.cookie)).text())).not.toContain('Drafts from alerts');
  });

  it('shows what is wrong beside the form and releases nothing', async () => {
    const res = await d.post(
      '/admin/incidents/INC-1/release',
      { _csrf: s.csrf, title: 'Status checks failing', status: 'investigating', message: '' },
      { cookie: s.cookie },
    );
    expect(res.status).toBe(400);
    expect(textOf(await res.text())).toContain('Write the first message customers will read.');
    expect((await d.call('GET', '/api/admin/incidents/INC-1')).json.draft).toBe(true);
  });

  it('discards a false alarm from the dashboard', async () => {
    const res = await d.post('/admin/incidents/INC-1/discard', { _csrf: s.csrf }, { cookie: s.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin?done=discarded');
    const text = textOf(await (await d.get('/admin?done=discarded', s.cookie)).text());
    expect(text).toContain('Draft discarded');
    expect(text).not.toContain('Drafts from alerts');
    expect(textOf(await (await d.get('/admin/incidents/INC-1', s.cookie)).text())).toContain('Discarded draft: never released');
  });

  it('shows support the drafts without a form, and refuses its post (403)', async () => {
    const support = await d.signIn('support@example.test');
    const html = await (await d.get('/admin', support.cookie)).text();
    expect(textOf(html)).toContain('INC-1: BlackBox Probe Failure');
    expect(html).not.toContain('/admin/incidents/INC-1/release');
    expect(html).not.toContain('/admin/incidents/INC-1/discard');
    const res = await d.post(
      '/admin/incidents/INC-1/release',
      { _csrf: support.csrf, title: 'x', status: 'investigating', message: 'y' },
      { cookie: support.cookie },
    );
    expect(res.status).toBe(403);
    expect((await d.call('GET', '/api/admin/incidents/INC-1')).json.draft).toBe(true);
  });
});

describe("a draft's own desk page", () => {
  it('says it is a draft, offers the release form and acknowledgement, not the update form', async () => {
    const res = await d.get('/admin/incidents/INC-1', s.cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(textOf(html)).toContain('Draft: customers see nothing of it until it is released');
    expect(html).toContain('action="/admin/incidents/INC-1/release"');
    expect(html).toContain('action="/admin/incidents/INC-1/acknowledge"');
    expect(html).not.toContain('action="/admin/incidents/INC-1/updates"');
  });
});

describe('an alert storm on the desk', () => {
  it('keeps the dashboard bounded: the newest ten drafts with their form, the others as links', async () => {
    const intake = (await createToken(d.db, 'storm', d.clock.now(), 'intake')).token;
    const sample = alertmanagerSample();
    for (let n = 1; n <= 55; n++) await d.call('POST', '/api/intake/alertmanager', { ...sample, groupKey: `{}:{alertname="Storm${n}"}` }, intake);
    const html = await (await d.get('/admin', s.cookie)).text();
    // 50 drafts open (the intake's cap): INC-1 and INC-3 to INC-51.
    expect(html.match(/action="\/admin\/incidents\/INC-\d+\/release"/g)).toHaveLength(10);
    expect(html).toContain('action="/admin/incidents/INC-51/release"');
    expect(html).toContain('action="/admin/incidents/INC-42/release"');
    expect(textOf(html)).toContain('40 more drafts');
    expect(html).toContain('<a href="/admin/incidents/INC-41">INC-41: BlackBox Probe Failure');
    expect(html).toContain('<a href="/admin/incidents/INC-1">INC-1: BlackBox Probe Failure');
    expect(html.length).toBeLessThan(120_000);
  });
});

describe('the release form offers what declaring does', () => {
  /** The names of the fields of the form posting to `action` in `html`. */
  const fieldsOf = (html: string, action: string) => {
    const start = html.indexOf(`action="${action}"`);
    const form = html.slice(start, html.indexOf('</form>', start));
    return [...new Set([...form.matchAll(/<(?:input|select|textarea)[^>]* name="([^"]+)"/g)].map((m) => m[1]))].sort();
  };

  it('has the new-incident form’s fields on the dashboard and on the draft’s page, the first message from the template', async () => {
    const declaring = fieldsOf(await (await d.get('/admin/incidents/new', s.cookie)).text(), '/admin/incidents/new').filter((n) => n !== 'intent');
    expect(declaring).toEqual(expect.arrayContaining(['severity', 'svc.api', 'nextUpdateInMinutes', 'notify', 'impact', 'commander']));
    const dashboard = await (await d.get('/admin', s.cookie)).text();
    expect(fieldsOf(dashboard, '/admin/incidents/INC-1/release')).toEqual(declaring);
    const own = await (await d.get('/admin/incidents/INC-1', s.cookie)).text();
    expect(fieldsOf(own, '/admin/incidents/INC-1/release')).toEqual(declaring);
    // The plan's Initial Alert prefills the first message, as on the new-incident form.
    expect(dashboard).toMatch(/<textarea id="inc-1-message" name="message"[^>]*>[^<]*\S/);
  });

  it('releases with the severity, services, next update and notify chosen', async () => {
    const res = await d.post(
      '/admin/incidents/INC-1/release',
      {
        _csrf: s.csrf,
        title: 'Status checks failing',
        severity: 'P2',
        status: 'investigating',
        'svc.api': 'major_outage',
        'svc.web-app': 'degraded_performance',
        impact: 'Some API calls fail.',
        message: 'Some API calls fail. We are investigating.',
        nextUpdateInMinutes: '15',
        notify: 'no',
      },
      { cookie: s.cookie },
    );
    expect(res.status).toBe(303);
    const incident = (await d.call('GET', '/api/admin/incidents/INC-1')).json;
    expect(incident).toMatchObject({ draft: false, severity: 'P2', impact: 'Some API calls fail.', nextUpdateDueAt: '2026-03-10T12:15:00.000Z' });
    expect(Object.fromEntries(incident.services.map((x: { slug: string; status: string }) => [x.slug, x.status]))).toMatchObject({
      api: 'major_outage',
      'web-app': 'degraded_performance',
    });
    expect(incident.updates[0]).toMatchObject({ notify: false });
  });
});
