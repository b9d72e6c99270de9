import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { makeDesk, textOf, type Desk } from '../support/desk.ts';

let d: Desk;
let s: { cookie: string; csrf: string };
beforeEach(async () => {
  d = await makeDesk({ start: '2026-03-10T12:00:00.000Z' });
  await d.addUser('comms@example.test', 'comms', 'Casey Comms');
  s = await d.signIn('comms@example.test');
});

const page = async (path: string) => {
  const res = await d.get(path, s.cookie);
  expect(res.status, path).toBe(200);
  return res.text();
};

describe('the postmortem editor on the incident page', () => {
  it('previews, saves a draft customers do not see, then publishes it', async () => {
    await d.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1' }));
    await d.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    const form = await page('/admin/incidents/INC-1');
    expect(form).toContain('<textarea id="pm-body" name="body"');

    const body = '## What happened\n\nA **routing change** overloaded the API.';
    const preview = await d.post('/admin/incidents/INC-1/postmortem', { _csrf: s.csrf, body, intent: 'preview' }, { cookie: s.cookie });
    expect(preview.status).toBe(200);
    const previewed = await preview.text();
    expect(previewed).toContain('<h3>What happened</h3>');
    expect(previewed).toContain('<strong>routing change</strong>');
    expect((await d.call('GET', '/api/admin/incidents/INC-1')).json.postmortemDraft).toBeNull();

    const saved = await d.post('/admin/incidents/INC-1/postmortem', { _csrf: s.csrf, body, intent: 'save' }, { cookie: s.cookie });
    expect(saved.status).toBe(303);
    expect((await d.call('GET', '/api/admin/incidents/INC-1')).json).toMatchObject({ postmortemDraft: body, postmortemBody: null });
    expect(await page('/admin/incidents/INC-1')).toContain('A **routing change** overloaded the API.</textarea>');

    const published = await d.post('/admin/incidents/INC-1/postmortem', { _csrf: s.csrf, body, intent: 'publish' }, { cookie: s.cookie });
    expect(published.headers.get('location')).toBe('/admin/incidents/INC-1?done=postmortem-published');
    expect(textOf(await page('/admin/incidents/INC-1?done=postmortem-published'))).toContain('Postmortem published on the incident page, feeds and JSON.');
    expect((await d.call('GET', '/api/admin/incidents/INC-1')).json).toMatchObject({
      postmortemDraft: null,
      postmortemBody: body,
      postmortemPublishedAt: '2026-03-10T12:00:00.000Z',
      postmortemCompletedAt: '2026-03-10T12:00:00.000Z',
      postmortemNotifiedSubscribers: false,
    });
  });

  it('shows the leak guard’s finding beside the text and publishes nothing', async () => {
    await d.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1' }));
    await d.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    const res = await d.post(
      '/admin/incidents/INC-1/postmortem',
      { _csrf: s.csrf, body: 'db-prod-3 ran out of disk.', intent: 'publish' },
      { cookie: s.cookie },
    );
    expect(res.status).toBe(400);
    expect(textOf(await res.text())).toContain('looks like an internal host name "db-prod-3"');
    expect((await d.call('GET', '/api/admin/incidents/INC-1')).json.postmortemBody).toBeNull();
  });
});

describe('the reports page', () => {
  it('offers the uptime report as a CSV download', async () => {
    expect(await page('/admin/reports')).toContain('action="/admin/reports/uptime.csv"');
    const res = await d.get('/admin/reports/uptime.csv?from=2026-03-01&to=2026-03-10&service=api&maintenance=excluded', s.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ service: 'api', month: '2026-03', uptime_percent: '100.00', counted_days: '1' });
    expect((await d.get('/admin/reports/uptime.csv?from=2026-03-10&to=2026-03-01', s.cookie)).status).toBe(400);
  });
});
