import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, makeTestApp, type TestApp } from '../../support/app.ts';
import { makeIncident, makeMaintenance, makeUpdate } from '../../support/factories.ts';

let t: TestApp;
const MINUTE = 60_000;

/**
 * The service `api`, known since 1 January 2026: a 30-minute major outage (an incident) on
 * 10 February, a 2-hour degraded period (set outside incidents) on 20 February, and a 1-hour
 * maintenance window on 25 February; the report is read on 5 March.
 */
beforeEach(async () => {
  t = await makeTestApp({ start: '2026-01-01T00:00:00.000Z' });
  t.clock.set('2026-02-10T10:00:00.000Z');
  const ref = (await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1', services: [{ slug: 'api', status: 'major_outage' }] }))).json.ref;
  t.clock.advance(30 * MINUTE);
  await t.call('POST', `/api/admin/incidents/${ref}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
  t.clock.set('2026-02-20T08:00:00.000Z');
  await t.call('PATCH', '/api/admin/services/api', { status: 'degraded_performance' });
  t.clock.advance(120 * MINUTE);
  await t.call('PATCH', '/api/admin/services/api', { status: 'operational' });
  t.clock.set('2026-02-24T12:00:00.000Z');
  await t.call(
    'POST',
    '/api/admin/maintenance',
    makeMaintenance({ services: ['api'], scheduledFor: '2026-02-25T02:00:00.000Z', scheduledUntil: '2026-02-25T03:00:00.000Z' }),
  );
  t.clock.set('2026-02-25T02:00:00.000Z');
  await t.herald.maintenance.tick();
  t.clock.set('2026-02-25T03:00:00.000Z');
  await t.herald.maintenance.tick();
  t.clock.set('2026-03-05T09:00:00.000Z');
});

const URL_FEB = '/api/admin/reports/uptime?from=2026-01-15&to=2026-02-28&service=api';

describe('the uptime report', () => {
  it('gives the exact minutes in each status, the incidents and the uptime per calendar month', async () => {
    const res = await t.call('GET', URL_FEB);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ from: '2026-01-15', to: '2026-02-28', maintenanceCountsAsDowntime: false });
    const [service] = res.json.services;
    expect(service.slug).toBe('api');
    const [january, february] = service.months;
    expect(january).toEqual({
      month: '2026-01',
      from: '2026-01-15',
      to: '2026-01-31',
      days: 17,
      countedDays: 17,
      uptimePercent: '100.00',
      downtimeMinutes: 0,
      minutes: { operational: 17 * 1440, degraded_performance: 0, partial_outage: 0, major_outage: 0, under_maintenance: 0 },
      maintenanceMinutes: 0,
      incidents: { P0: 0, P1: 0, P2: 0, P3: 0 },
    });
    // 28 days of 1,440 minutes: 30 min down, 120 min degraded (10 % each), 60 min maintenance (not counted).
    expect(february).toEqual({
      month: '2026-02',
      from: '2026-02-01',
      to: '2026-02-28',
      days: 28,
      countedDays: 28,
      uptimePercent: '99.89',
      downtimeMinutes: 42,
      minutes: { operational: 28 * 1440 - 210, degraded_performance: 120, partial_outage: 0, major_outage: 30, under_maintenance: 60 },
      maintenanceMinutes: 60,
      incidents: { P0: 0, P1: 1, P2: 0, P3: 0 },
    });
  });

  it('counts announced maintenance as downtime when asked', async () => {
    const res = await t.call('GET', `${URL_FEB}&maintenance=downtime`);
    const february = res.json.services[0].months[1];
    expect(res.json.maintenanceCountsAsDowntime).toBe(true);
    expect(february).toMatchObject({ downtimeMinutes: 102, uptimePercent: '99.74', maintenanceMinutes: 60 });
  });

  it('answers the same figures as CSV, one row per service and month, for Accept: text/csv', async () => {
    const res = await t.app.request(URL_FEB, { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'text/csv' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="uptime-2026-01-15-to-2026-02-28-api.csv"');
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual({
      service: 'api',
      service_name: 'Public API',
      month: '2026-02',
      from: '2026-02-01',
      to: '2026-02-28',
      days: '28',
      counted_days: '28',
      uptime_percent: '99.89',
      downtime_minutes: '42',
      operational_minutes: String(28 * 1440 - 210),
      degraded_performance_minutes: '120',
      partial_outage_minutes: '0',
      major_outage_minutes: '30',
      under_maintenance_minutes: '60',
      maintenance_minutes: '60',
      maintenance_counts_as_downtime: 'false',
      incidents_p0: '0',
      incidents_p1: '1',
      incidents_p2: '0',
      incidents_p3: '0',
    });
  });

  it('lists every service without ?service, and refuses an unknown service and a reversed range', async () => {
    const all = await t.call('GET', '/api/admin/reports/uptime?from=2026-02-01&to=2026-02-28');
    expect(all.json.services.length).toBeGreaterThan(5);
    expect(all.json.services.find((s: { slug: string }) => s.slug === 'cdn').months[0]).toMatchObject({ uptimePercent: '100.00', downtimeMinutes: 0 });
    expect((await t.call('GET', '/api/admin/reports/uptime?from=2026-02-01&to=2026-02-28&service=nope')).status).toBe(404);
    expect((await t.call('GET', '/api/admin/reports/uptime?from=2026-02-28&to=2026-02-01')).status).toBe(400);
  });

  it('does not count the days before Herald knew the service, nor those not yet begun', async () => {
    const res = await t.call('GET', '/api/admin/reports/uptime?from=2025-12-30&to=2026-03-31&service=api');
    const months = res.json.services[0].months;
    expect(months.map((m: { month: string; days: number; countedDays: number }) => [m.month, m.days, m.countedDays])).toEqual([
      ['2025-12', 2, 0],
      ['2026-01', 31, 31],
      ['2026-02', 28, 28],
      ['2026-03', 31, 5],
    ]);
    expect(months[0].uptimePercent).toBeNull();
  });
});
