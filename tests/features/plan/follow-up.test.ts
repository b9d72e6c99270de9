import { beforeEach, describe, expect, it } from 'vitest';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { join } from 'node:path';
import { loadAstroRenderer } from '../../../api/site/astro-renderer.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../../support/app.ts';
import { ROOT } from '../../support/server.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ start: '2026-03-10T12:00:00.000Z' });
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const snapshotText = () =>
  t.snapshot
    .paths()
    .map((p) => t.snapshot.get(p)!.body.toString())
    .join('\n');
const resolve = (ref: string) => t.call('POST', `/api/admin/incidents/${ref}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));

describe('the postmortem', () => {
  it('records its link (published) and its completion (internal), keeping the first completion time', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1' }));
    await resolve('INC-1');
    t.clock.advance(HOUR);
    const done = await t.call('POST', '/api/admin/incidents/INC-1/postmortem', { url: 'https://wiki.example.test/pm/1', completed: true });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ postmortemUrl: 'https://wiki.example.test/pm/1', postmortemCompletedAt: '2026-03-10T13:00:00.000Z' });
    t.clock.advance(HOUR);
    const again = await t.call('POST', '/api/admin/incidents/INC-1/postmortem', { url: 'https://wiki.example.test/pm/1b', completed: true });
    expect(again.json).toMatchObject({ postmortemUrl: 'https://wiki.example.test/pm/1b', postmortemCompletedAt: '2026-03-10T13:00:00.000Z' });
    // Republished: the public JSON carries the incident's new update time.
    expect(t.snapshot.get('/api/v2/incidents.json')!.body.toString()).toContain('"updated_at":"2026-03-10T14:00:00.000Z"');
    const undone = await t.call('POST', '/api/admin/incidents/INC-1/postmortem', { url: 'https://wiki.example.test/pm/1b', completed: false });
    expect(undone.json.postmortemCompletedAt).toBeNull();
  });

  it('refuses one for an unresolved incident with 409', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident());
    const res = await t.call('POST', '/api/admin/incidents/INC-1/postmortem', { url: 'https://wiki.example.test/pm/1', completed: true });
    expect(res.status).toBe(409);
  });

  it('refuses a link that is not http(s)', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident());
    await resolve('INC-1');
    const res = await t.call('POST', '/api/admin/incidents/INC-1/postmortem', { url: 'javascript:alert(1)', completed: true });
    expect(res.status).toBe(400);
  });
});

describe('action items', () => {
  it('are added due in 30 days by default, marked done, listed, and audited', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident());
    const added = await t.call('POST', '/api/admin/incidents/INC-1/action-items', { title: 'Add a circuit breaker', owner: 'Dana' });
    expect(added.status).toBe(201);
    expect(added.json).toEqual({
      id: 1,
      incident: 'INC-1',
      title: 'Add a circuit breaker',
      owner: 'Dana',
      dueAt: '2026-04-09T12:00:00.000Z',
      createdAt: '2026-03-10T12:00:00.000Z',
      completedAt: null,
      overdue: false,
    });
    const dated = await t.call('POST', '/api/admin/incidents/INC-1/action-items', {
      title: 'Alert on queue depth',
      owner: 'Lee',
      dueAt: '2026-03-12T00:00:00Z',
    });
    expect(dated.json.dueAt).toBe('2026-03-12T00:00:00.000Z');
    t.clock.advance(3 * DAY);
    const marked = await t.call('PATCH', '/api/admin/incidents/INC-1/action-items/1', { done: true });
    expect(marked.json.completedAt).toBe('2026-03-13T12:00:00.000Z');
    const list = (await t.call('GET', '/api/admin/incidents/INC-1/action-items')).json.actionItems;
    expect(list.map((a: { title: string; overdue: boolean }) => [a.title, a.overdue])).toEqual([
      ['Add a circuit breaker', false],
      ['Alert on queue depth', true],
    ]);
    const audit = await t.db.execute("SELECT action FROM audit_log WHERE action LIKE 'action-item.%' ORDER BY id");
    expect(audit.rows.map((r) => r.action)).toEqual(['action-item.create', 'action-item.create', 'action-item.edit']);
  });

  it('answers 404 for an item of another incident and 400 for an empty title', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident());
    await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Other' }));
    await t.call('POST', '/api/admin/incidents/INC-1/action-items', { title: 'Fix it', owner: 'Dana' });
    expect((await t.call('PATCH', '/api/admin/incidents/INC-2/action-items/1', { done: true })).status).toBe(404);
    expect((await t.call('POST', '/api/admin/incidents/INC-1/action-items', { title: '  ', owner: 'Dana' })).status).toBe(400);
  });

  it('are never published: not on the pages, in the feeds or in the JSON', async () => {
    t = await makeTestApp({ start: '2026-03-10T12:00:00.000Z', renderPage: await loadAstroRenderer(join(ROOT, 'dist'), PUBLIC_URL) });
    await t.call('POST', '/api/admin/incidents', makeIncident());
    await t.call('POST', '/api/admin/incidents/INC-1/action-items', { title: 'Rotate the leaked-canary-7731 key', owner: 'owner-canary-4412' });
    await t.call('PATCH', '/api/admin/incidents/INC-1/action-items/1', { done: true });
    await resolve('INC-1'); // republishes everything about the incident
    const published = snapshotText();
    expect(published).toContain('Elevated API error rates');
    expect(t.snapshot.paths()).toContain('/incidents/INC-1');
    expect(published).not.toContain('leaked-canary-7731');
    expect(published).not.toContain('owner-canary-4412');
    expect(published).not.toMatch(/actionItems|action-items/);
  });
});

describe('from declaration to action items, in the report', () => {
  it('measures MTTA, MTTR, the postmortem and the completion rate of one P0 walked through with the clock', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P0', detectedAt: '2026-03-10T11:59:00Z' }));
    t.clock.advance(3 * MINUTE); // 12:03: acknowledged 4 min after detection
    await t.call('POST', '/api/admin/incidents/INC-1/acknowledge');
    t.clock.advance(22 * MINUTE); // 12:25
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate());
    t.clock.advance(25 * MINUTE); // 12:50: resolved 51 min after detection
    await resolve('INC-1');
    t.clock.advance(30 * HOUR); // postmortem done 30 h after resolution
    await t.call('POST', '/api/admin/incidents/INC-1/postmortem', { url: 'https://wiki.example.test/pm/1', completed: true });
    for (const title of ['One', 'Two', 'Three', 'Four']) await t.call('POST', '/api/admin/incidents/INC-1/action-items', { title, owner: 'Dana' });
    t.clock.advance(10 * DAY);
    await t.call('PATCH', '/api/admin/incidents/INC-1/action-items/1', { done: true });
    await t.call('PATCH', '/api/admin/incidents/INC-1/action-items/2', { done: true });
    t.clock.advance(25 * DAY); // 35 days after the items were added
    await t.call('PATCH', '/api/admin/incidents/INC-1/action-items/3', { done: true }); // late

    const report = (await t.call('GET', '/api/admin/reports/plan?from=2026-03-10&to=2026-03-10')).json;
    expect(report.bySeverity.P0).toMatchObject({ incidents: 1, mttaSeconds: { mean: 240, p90: 240 }, mttrSeconds: { mean: 51 * 60, p90: 51 * 60 } });
    expect(report.targets.P0).toEqual({ mtta: { targetSeconds: 300, met: true }, mttr: { targetSeconds: 3600, met: true } });
    expect(report.postmortems).toEqual({ due: 1, onTime: 1, late: 0, missing: 0 });
    expect(report.actionItems).toEqual({ total: 4, done: 3, doneWithin30Days: 2, completionRate: 0.5, target: 0.9 });
    expect(report.updates).toEqual({ due: 2, onTime: 2 });
  });
});
