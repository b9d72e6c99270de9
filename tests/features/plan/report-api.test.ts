import { beforeEach, describe, expect, it } from 'vitest';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { makeTestApp, type TestApp } from '../../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ start: '2026-03-10T12:00:00.000Z' });
});

const MINUTE = 60_000;
const report = (from = '2026-03-01', to = '2026-03-31') => t.call('GET', `/api/admin/reports/plan?from=${from}&to=${to}`);
const snapshotText = () =>
  t.snapshot
    .paths()
    .map((p) => t.snapshot.get(p)!.body.toString())
    .join('\n');

describe('detection and acknowledgement', () => {
  it('records declaration time as detection when declared by hand', async () => {
    const res = await t.call('POST', '/api/admin/incidents', makeIncident());
    expect(res.json.detectedAt).toBe('2026-03-10T12:00:00.000Z');
    expect(res.json.acknowledgedAt).toBeNull();
  });

  it("records the alert's start when given", async () => {
    const res = await t.call('POST', '/api/admin/incidents', makeIncident({ detectedAt: '2026-03-10T11:52:00Z' }));
    expect(res.json.detectedAt).toBe('2026-03-10T11:52:00.000Z');
  });

  it('refuses a detection time in the future', async () => {
    const res = await t.call('POST', '/api/admin/incidents', makeIncident({ detectedAt: '2026-03-10T12:00:01Z' }));
    expect(res.status).toBe(400);
    expect(res.json.error.fields).toEqual([{ path: 'detectedAt', message: 'must not be in the future' }]);
  });

  it('keeps the first acknowledgement and audits it once', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident());
    t.clock.advance(3 * MINUTE);
    const first = await t.call('POST', '/api/admin/incidents/INC-1/acknowledge');
    expect(first.status).toBe(200);
    expect(first.json.acknowledgedAt).toBe('2026-03-10T12:03:00.000Z');
    t.clock.advance(MINUTE);
    const again = await t.call('POST', '/api/admin/incidents/inc-1/acknowledge');
    expect(again.status).toBe(200);
    expect(again.json.acknowledgedAt).toBe('2026-03-10T12:03:00.000Z');
    const audits = await t.db.execute("SELECT count(*) AS n FROM audit_log WHERE action = 'incident.acknowledge'");
    expect(Number(audits.rows[0]?.n)).toBe(1);
  });

  it('answers 404 for an unknown incident', async () => {
    expect((await t.call('POST', '/api/admin/incidents/INC-9/acknowledge')).status).toBe(404);
  });

  it('never publishes detection or acknowledgement times', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ detectedAt: '2026-03-10T11:47:13Z' }));
    t.clock.advance(7 * MINUTE + 29_000);
    await t.call('POST', '/api/admin/incidents/INC-1/acknowledge');
    t.clock.advance(MINUTE); // the update's own time is public; the acknowledgement's must not be
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate());
    const published = snapshotText();
    expect(published).toContain('Elevated API error rates');
    expect(published).not.toMatch(/detectedAt|acknowledgedAt|postmortemCompletedAt/);
    expect(published).not.toContain('11:47:13');
    expect(published).not.toContain('12:07:29');
  });
});

describe('GET /api/admin/reports/plan', () => {
  it('reports MTTA, MTTR and update cadence for incidents walked through with the clock', async () => {
    // INC-1, P0: alert at 11:58, declared 12:00, acknowledged 12:02, updated 12:25, resolved 12:43.
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P0', detectedAt: '2026-03-10T11:58:00Z' }));
    t.clock.advance(2 * MINUTE);
    await t.call('POST', '/api/admin/incidents/INC-1/acknowledge');
    t.clock.advance(23 * MINUTE);
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ nextUpdateInMinutes: 15 }));
    t.clock.advance(18 * MINUTE); // 12:43: three minutes past the 12:40 promise
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    // INC-2, P0, declared by hand at 13:00, acknowledged 13:10, resolved 15:00.
    t.clock.set('2026-03-10T13:00:00.000Z');
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P0', title: 'Second' }));
    t.clock.advance(10 * MINUTE);
    await t.call('POST', '/api/admin/incidents/INC-2/acknowledge');
    t.clock.set('2026-03-10T15:00:00.000Z');
    await t.call('POST', '/api/admin/incidents/INC-2/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));

    const res = await report();
    expect(res.status).toBe(200);
    expect(res.json.bySeverity.P0).toEqual({
      incidents: 2,
      acknowledged: 2,
      resolved: 2,
      mttaSeconds: { mean: (4 * 60 + 10 * 60) / 2, p90: 600 },
      mttrSeconds: { mean: (45 * 60 + 120 * 60) / 2, p90: 120 * 60 },
    });
    expect(res.json.targets.P0).toEqual({ mtta: { targetSeconds: 300, met: false }, mttr: { targetSeconds: 3600, met: false } });
    // INC-1: 12:00→12:25 on time (12:30), 12:25→12:43 late (12:40). INC-2: 13:00→15:00 late.
    expect(res.json.updates).toEqual({ due: 3, onTime: 1 });
    // Both resolved today; their 48 hours have not passed and nothing is completed yet.
    expect(res.json.postmortems).toEqual({ due: 0, onTime: 0, late: 0, missing: 0 });
    t.clock.set('2026-03-12T12:43:00.001Z');
    expect((await report()).json.postmortems).toEqual({ due: 1, onTime: 0, late: 0, missing: 1 });
    expect(res.json.mttrByMonth).toEqual([{ month: '2026-03', resolved: 2, mttrSeconds: 4950 }]);
  });

  it('leaves out incidents detected outside the days asked for', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1' }));
    expect((await report('2026-03-10', '2026-03-10')).json.bySeverity.P1.incidents).toBe(1);
    expect((await report('2026-03-11', '2026-03-31')).json.bySeverity.P1.incidents).toBe(0);
    expect((await report('2026-03-01', '2026-03-09')).json.bySeverity.P1.incidents).toBe(0);
  });

  it.each([['from=2026-03-02&to=2026-03-01'], ['from=2026-03-01'], ['from=yesterday&to=2026-03-01']])('answers 400 to ?%s', async (query) => {
    const res = await t.call('GET', `/api/admin/reports/plan?${query}`);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBeTruthy();
  });

  it('needs a token', async () => {
    expect((await t.call('GET', '/api/admin/reports/plan?from=2026-03-01&to=2026-03-31', undefined, null)).status).toBe(401);
  });
});
