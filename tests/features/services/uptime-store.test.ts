import { describe, expect, it } from 'vitest';
import { listServices } from '../../../api/features/services/store.ts';
import { loadUptimeHistory } from '../../../api/features/services/uptime-store.ts';
import { uptimeWindowStart } from '../../../api/features/services/uptime.ts';
import { makeTestApp } from '../../support/app.ts';
import { makeIncident, makeUpdate } from '../../support/factories.ts';

describe('loadUptimeHistory', () => {
  it('reads only the window: changes and incidents before it stay unread, open incidents are read however old', async () => {
    const t = await makeTestApp({ start: '2026-03-01T10:00:00.000Z' });
    const old = await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'api', status: 'major_outage' }] }));
    t.clock.advance(3_600_000);
    await t.call('POST', `/api/admin/incidents/${old.json.ref}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    await t.call('PATCH', '/api/admin/services/cdn', { status: 'degraded_performance' });
    const lingering = await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'email', status: 'operational' }] }));

    t.clock.set('2026-11-20T08:00:00.000Z');
    await t.call('PATCH', '/api/admin/services/cdn', { status: 'operational' });
    const recent = await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'api', status: 'partial_outage' }] }));
    t.clock.advance(42 * 60_000);
    await t.call('POST', `/api/admin/incidents/${recent.json.ref}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));

    const history = await loadUptimeHistory(t.db, uptimeWindowStart(new Date('2026-11-27T12:00:00.000Z')));
    expect(history.get('api')).toEqual({
      createdAt: '2026-03-01T10:00:00.000Z',
      knownSince: null,
      changes: [
        { at: '2026-11-20T08:00:00.000Z', from: 'operational', to: 'partial_outage' },
        { at: '2026-11-20T08:42:00.000Z', from: 'partial_outage', to: 'operational' },
      ],
      incidents: [{ ref: recent.json.ref, startedAt: '2026-11-20T08:00:00.000Z', resolvedAt: '2026-11-20T08:42:00.000Z' }],
    });
    expect(history.get('cdn')?.changes).toEqual([{ at: '2026-11-20T08:00:00.000Z', from: 'degraded_performance', to: 'operational' }]);
    expect(history.get('email')?.incidents.map((i) => i.ref)).toEqual([lingering.json.ref]);
    expect(history.get('billing')).toEqual({ createdAt: '2026-03-01T10:00:00.000Z', knownSince: null, changes: [], incidents: [] });
  });
});

describe('loadUptimeHistory for some services', () => {
  it('reads the named services as a full read has them, and no other', async () => {
    const t = await makeTestApp({ start: '2026-11-20T08:00:00.000Z' });
    const declared = await t.call(
      'POST',
      '/api/admin/incidents',
      makeIncident({
        services: [
          { slug: 'api', status: 'partial_outage' },
          { slug: 'email', status: 'major_outage' },
        ],
      }),
    );
    t.clock.advance(42 * 60_000);
    await t.call('POST', `/api/admin/incidents/${declared.json.ref}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    await t.call('PATCH', '/api/admin/services/cdn', { status: 'degraded_performance' });
    const services = await listServices(t.db);
    const idOf = (slug: string) => (services.find((s) => s.slug === slug) as { id: number }).id;

    const since = uptimeWindowStart(new Date('2026-11-27T12:00:00.000Z'));
    const all = await loadUptimeHistory(t.db, since);
    const some = await loadUptimeHistory(t.db, since, [idOf('api'), idOf('cdn')]);
    expect([...some.keys()].sort()).toEqual(['api', 'cdn']);
    expect(some.get('api')).toEqual(all.get('api'));
    expect(some.get('cdn')).toEqual(all.get('cdn'));
    expect(some.get('api')?.changes).toHaveLength(2);
    expect(await loadUptimeHistory(t.db, since, [])).toEqual(new Map());
  });
});

describe('loadUptimeHistory for history entered with past times', () => {
  it('tells when Herald first knew a service: its oldest incident or status change, when older than its creation, however old', async () => {
    const t = await makeTestApp({ start: '2026-11-27T09:00:00.000Z' });
    expect((await t.call('POST', '/api/admin/services', { slug: 'reports', name: 'Reports', status: 'operational' })).status).toBe(201);
    // An import writing past incidents through the commands, on a clock set to each one's time.
    t.clock.set('2026-10-14T10:00:00.000Z');
    const recent = await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'reports', status: 'partial_outage' }] }));
    t.clock.advance(45 * 60_000);
    await t.call('POST', `/api/admin/incidents/${recent.json.ref}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    t.clock.set('2025-02-03T04:05:00.000Z');
    await t.call('PATCH', '/api/admin/services/reports', { status: 'degraded_performance' });
    t.clock.advance(60_000);
    await t.call('PATCH', '/api/admin/services/reports', { status: 'operational' });
    t.clock.set('2025-01-20T08:00:00.000Z');
    await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'search', status: 'operational' }] }));

    const history = await loadUptimeHistory(t.db, uptimeWindowStart(new Date('2026-11-27T12:00:00.000Z')));
    expect(history.get('reports')).toMatchObject({ createdAt: '2026-11-27T09:00:00.000Z', knownSince: '2025-02-03T04:05:00.000Z' });
    expect(history.get('reports')?.changes.map((c) => c.at)).toEqual(['2026-10-14T10:00:00.000Z', '2026-10-14T10:45:00.000Z']);
    expect(history.get('search')?.knownSince).toBe('2025-01-20T08:00:00.000Z');
    expect(history.get('api')?.knownSince).toBeNull();
  });

  it('does not look further for a service created before the window opened: every day of the window counts already', async () => {
    const t = await makeTestApp({ start: '2026-01-01T09:00:00.000Z' });
    t.clock.set('2025-06-01T10:00:00.000Z');
    await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'api', status: 'operational' }] }));
    const history = await loadUptimeHistory(t.db, uptimeWindowStart(new Date('2026-11-27T12:00:00.000Z')));
    expect(history.get('api')).toMatchObject({ createdAt: '2026-01-01T09:00:00.000Z', knownSince: null });
  });
});
