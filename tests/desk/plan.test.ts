import { beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../api/features/audit/store.ts';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { makeDesk, textOf, type Desk } from '../support/desk.ts';

let d: Desk;
let s: { cookie: string; csrf: string };
beforeEach(async () => {
  d = await makeDesk({ start: '2026-03-10T12:00:00.000Z' });
  await d.addUser('comms@example.test', 'comms', 'Casey Comms');
  await d.addUser('support@example.test', 'support', 'Sol Support');
  s = await d.signIn('comms@example.test');
});

const MINUTE = 60_000;
const page = async (path: string, cookie = s.cookie) => {
  const res = await d.get(path, cookie);
  expect(res.status, path).toBe(200);
  return res.text();
};

describe('acknowledging from the desk', () => {
  it('shows detection, offers the button, and records the acknowledgement through the same command as the API', async () => {
    await d.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P0', detectedAt: '2026-03-10T11:56:00Z' }));
    const before = await page('/admin/incidents/INC-1');
    expect(textOf(before)).toContain('not acknowledged yet');
    expect(before).toContain('action="/admin/incidents/INC-1/acknowledge"');
    d.clock.advance(3 * MINUTE);
    const res = await d.post('/admin/incidents/INC-1/acknowledge', { _csrf: s.csrf }, { cookie: s.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/incidents/INC-1?done=acknowledged');
    const after = textOf(await page('/admin/incidents/INC-1?done=acknowledged'));
    expect(after).toContain('Incident acknowledged.');
    expect(after).toContain('7 min after detection');
    expect((await d.call('GET', '/api/admin/incidents/INC-1')).json.acknowledgedAt).toBe('2026-03-10T12:03:00.000Z');
    expect((await listAudit(d.db, { incident: 'INC-1', limit: 10 })).map((a) => a.action)).toContain('incident.acknowledge');
  });

  it('refuses the support role, and gives it no button', async () => {
    await d.call('POST', '/api/admin/incidents', makeIncident());
    const support = await d.signIn('support@example.test');
    expect(await page('/admin/incidents/INC-1', support.cookie)).not.toContain('/acknowledge');
    const res = await d.post('/admin/incidents/INC-1/acknowledge', { _csrf: support.csrf }, { cookie: support.cookie });
    expect(res.status).toBe(403);
    expect((await d.call('GET', '/api/admin/incidents/INC-1')).json.acknowledgedAt).toBeNull();
  });
});

describe('the reports page', () => {
  it('shows the report for the days asked for, with a labelled MTTR chart', async () => {
    await d.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P0' }));
    d.clock.advance(2 * MINUTE);
    await d.call('POST', '/api/admin/incidents/INC-1/acknowledge');
    d.clock.advance(88 * MINUTE);
    await d.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    const html = await page('/admin/reports?from=2026-02-01&to=2026-03-31');
    const text = textOf(html);
    expect(text).toContain('Incidents detected from 2026-02-01 to 2026-03-31');
    expect(text).toMatch(/P0 1 2 min 2 min 1 h 30 min 1 h 30 min/);
    expect(text).toContain('P0 MTTA under 5 min: met');
    expect(text).toContain('P0 MTTR under 1 h: missed');
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="mttr-title mttr-desc"/);
    expect(text).toContain('2026-02: none resolved; 2026-03: 1 h 30 min (1 resolved)');
    expect((html.match(/<rect /g) ?? []).length).toBe(2);
  });

  it('defaults to six calendar months up to today', async () => {
    expect(textOf(await page('/admin/reports'))).toContain('Incidents detected from 2025-10-01 to 2026-03-10');
  });

  it('comes back with the error beside the field for days in the wrong order', async () => {
    const res = await d.get('/admin/reports?from=2026-03-10&to=2026-03-01', s.cookie);
    expect(res.status).toBe(400);
    const text = textOf(await res.text());
    expect(text).toContain('from must not be after to');
    expect(text).not.toContain('Acknowledgement and resolution');
  });
});

describe('the follow-up on the desk', () => {
  const submit = (path: string, fields: Record<string, string>) => d.post(path, { _csrf: s.csrf, ...fields }, { cookie: s.cookie });

  it('adds action items, marks them done, and records the postmortem, through the same commands as the API', async () => {
    await d.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1' }));
    const added = await submit('/admin/incidents/INC-1/action-items', { title: 'Add a circuit breaker', owner: 'Dana', dueAt: '2026-03-20' });
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe('/admin/incidents/INC-1?done=action-item');
    const listed = (await d.call('GET', '/api/admin/incidents/INC-1/action-items')).json.actionItems;
    expect(listed).toMatchObject([{ title: 'Add a circuit breaker', owner: 'Dana', dueAt: '2026-03-20T23:59:59.000Z', completedAt: null }]);
    expect(textOf(await page('/admin/incidents/INC-1'))).toContain('Add a circuit breaker Dana');
    expect((await submit('/admin/incidents/INC-1/action-items/1', { done: 'yes' })).status).toBe(303);
    expect((await d.call('GET', '/api/admin/incidents/INC-1/action-items')).json.actionItems[0].completedAt).toBe('2026-03-10T12:00:00.000Z');

    await d.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    const saved = await submit('/admin/incidents/INC-1/postmortem', { url: 'https://wiki.example.test/pm/1', completed: 'yes' });
    expect(saved.status).toBe(303);
    expect((await d.call('GET', '/api/admin/incidents/INC-1')).json).toMatchObject({
      postmortemUrl: 'https://wiki.example.test/pm/1',
      postmortemCompletedAt: '2026-03-10T12:00:00.000Z',
    });
  });

  it('brings a refused action item back with the error beside its field', async () => {
    await d.call('POST', '/api/admin/incidents', makeIncident());
    const res = await submit('/admin/incidents/INC-1/action-items', { title: 'Fix it', owner: '', dueAt: '' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/id="pm-owner"[^>]*aria-invalid="true"/);
    expect(html).toMatch(/value="Fix it"/);
    expect((await d.call('GET', '/api/admin/incidents/INC-1/action-items')).json.actionItems).toEqual([]);
  });

  it('flags an overdue P0/P1 postmortem on the incident page and the dashboard, from 48 hours after resolution', async () => {
    await d.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P0' }));
    await d.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    d.clock.advance(48 * 60 * MINUTE);
    s = await d.signIn('comms@example.test'); // the session from two days ago has ended
    expect(textOf(await page('/admin/incidents/INC-1'))).not.toContain('Postmortem overdue');
    expect(textOf(await page('/admin'))).not.toContain('Postmortems overdue');
    d.clock.advance(1000);
    expect(textOf(await page('/admin/incidents/INC-1'))).toContain('Postmortem overdue');
    expect(textOf(await page('/admin'))).toContain('Postmortems overdue INC-1: Elevated API error rates (P0)');
    await d.call('POST', '/api/admin/incidents/INC-1/postmortem', { url: 'https://wiki.example.test/pm/1', completed: true });
    expect(textOf(await page('/admin'))).not.toContain('Postmortems overdue');
  });
});

describe('the escalation level on the dashboard', () => {
  it('shows the level each open incident has reached, by the shipped matrix', async () => {
    await d.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P2', title: 'Slow search' }));
    await d.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P0', title: 'Everything down' }));
    const before = textOf(await page('/admin'));
    expect(before).toMatch(/Slow search P2 Investigating Sam Lee Level 1: On-call engineer/);
    expect(before).toMatch(/Everything down P0 Investigating Sam Lee Level 3: Engineering manager \/ director/);
    d.clock.advance(30 * MINUTE);
    expect(textOf(await page('/admin'))).toMatch(/Slow search P2 Investigating Sam Lee Level 2: Team lead \/ senior engineer/);
  });
});
