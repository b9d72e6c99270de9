/**
 * Recurring maintenance windows: a weekly or monthly series whose occurrences the maintenance
 * job creates ahead, each its own MNT-n with its own page and calendar event; editing or
 * cancelling the series changes the occurrences that have not started.
 */
import ICAL from 'ical.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { occurrenceStart, occurrencesDue } from '../../../api/features/maintenance/recurrence.ts';
import { makeMaintenance } from '../../support/factories.ts';
import { makeTestApp, type TestApp } from '../../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  // A Tuesday.
  t = await makeTestApp({ start: '2026-03-10T12:00:00.000Z' });
});

const weekly = (overrides: Record<string, unknown> = {}) =>
  makeMaintenance({
    title: 'Weekly patching',
    scheduledFor: '2026-03-12T02:00:00Z',
    scheduledUntil: '2026-03-12T03:00:00Z',
    recurrence: { frequency: 'weekly', every: 1, count: 8 },
    ...overrides,
  });

const calendarStarts = async () => {
  const root = new ICAL.Component(ICAL.parse(await (await t.app.request('/maintenance.ics')).text()) as unknown[]);
  return root.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return `${e.summary} ${e.startDate.toJSDate().toISOString()} ${String(v.getFirstPropertyValue('status'))}`;
  });
};

describe('recurring maintenance', () => {
  it('creates a weekly series’ occurrences 30 days ahead as windows of their own, each with its page, in the calendar', async () => {
    const created = await t.call('POST', '/api/admin/maintenance', weekly());
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ ref: 'MNT-1', series: { id: 1, occurrence: 0 }, scheduledFor: '2026-03-12T02:00:00.000Z' });
    const series = (await t.call('GET', '/api/admin/maintenance/series/1')).json;
    expect(series.occurrences.map((o: { ref: string; scheduledFor: string }) => `${o.ref} ${o.scheduledFor}`)).toEqual([
      'MNT-1 2026-03-12T02:00:00.000Z',
      'MNT-2 2026-03-19T02:00:00.000Z',
      'MNT-3 2026-03-26T02:00:00.000Z',
      'MNT-4 2026-04-02T02:00:00.000Z',
      'MNT-5 2026-04-09T02:00:00.000Z',
    ]);
    for (const ref of ['MNT-1', 'MNT-5']) {
      const window = (await t.call('GET', `/api/admin/maintenance/${ref}`)).json;
      expect(window).toMatchObject({ title: 'Weekly patching', url: `https://status.example.test/maintenance/${ref}`, status: 'scheduled' });
    }
    const upcoming = JSON.parse(t.snapshot.get('/api/v2/scheduled-maintenances/upcoming.json')?.body.toString() ?? 'null');
    expect(upcoming.scheduled_maintenances.map((m: { id: string }) => m.id)).toEqual(['MNT-1', 'MNT-2', 'MNT-3', 'MNT-4', 'MNT-5']);
    expect((await calendarStarts()).map((e) => e.split(' ').at(-2))).toEqual([
      '2026-03-12T02:00:00.000Z',
      '2026-03-19T02:00:00.000Z',
      '2026-03-26T02:00:00.000Z',
      '2026-04-02T02:00:00.000Z',
      '2026-04-09T02:00:00.000Z',
    ]);

    // A week later the job adds the next one, and stops at the series' count.
    t.clock.set('2026-03-17T12:00:00Z');
    expect(await t.herald.maintenance.tick()).toContain('MNT-6');
    t.clock.set('2026-04-20T00:00:00Z');
    await t.herald.maintenance.tick();
    t.clock.set('2026-06-01T00:00:00Z');
    await t.herald.maintenance.tick();
    const all = (await t.call('GET', '/api/admin/maintenance/series/1')).json.occurrences;
    expect(all.map((o: { occurrence: number }) => o.occurrence)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('creates each occurrence once with two job passes at the same moment', async () => {
    await t.call('POST', '/api/admin/maintenance', weekly());
    t.clock.set('2026-03-24T12:00:00Z');
    await Promise.all([t.herald.maintenance.tick(), t.herald.maintenance.tick()]);
    const refs = (await t.call('GET', '/api/admin/maintenance/series/1')).json.occurrences.map((o: { occurrence: number }) => o.occurrence);
    expect(refs).toEqual([...new Set(refs)]);
  });

  it('applies an edit to the occurrences not yet started, and cancels those past a new end', async () => {
    await t.call('POST', '/api/admin/maintenance', weekly());
    t.clock.set('2026-03-12T02:30:00Z');
    await t.herald.maintenance.tick(); // MNT-1 in progress
    const edited = await t.call('PATCH', '/api/admin/maintenance/series/1', { title: 'Weekly OS patching', count: 3 });
    expect(edited.status).toBe(200);
    const windows = await Promise.all(['MNT-1', 'MNT-2', 'MNT-3', 'MNT-4'].map(async (ref) => (await t.call('GET', `/api/admin/maintenance/${ref}`)).json));
    expect(windows.map((w) => [w.title, w.status, w.sequence])).toEqual([
      ['Weekly patching', 'in_progress', 0],
      ['Weekly OS patching', 'scheduled', 1],
      ['Weekly OS patching', 'scheduled', 1],
      ['Weekly patching', 'completed', 1],
    ]);
    expect(windows[3].updates[0]).toMatchObject({ event: 'cancelled' });
  });

  it('cancels the occurrences not yet started when the series is cancelled, and creates no more', async () => {
    await t.call('POST', '/api/admin/maintenance', weekly());
    const cancelled = await t.call('POST', '/api/admin/maintenance/series/1/cancel', {});
    expect(cancelled.status).toBe(201);
    expect(cancelled.json.cancelledAt).toBe('2026-03-10T12:00:00.000Z');
    expect(cancelled.json.occurrences.map((o: { status: string }) => o.status)).toEqual(Array(5).fill('completed'));
    expect((await calendarStarts()).every((e) => e.endsWith('CANCELLED'))).toBe(true);
    t.clock.set('2026-04-20T00:00:00Z');
    await t.herald.maintenance.tick();
    expect((await t.call('GET', '/api/admin/maintenance/series/1')).json.occurrences).toHaveLength(5);
  });

  it('refuses a series without an end', async () => {
    const refused = await t.call('POST', '/api/admin/maintenance', weekly({ recurrence: { frequency: 'weekly' } }));
    expect(refused.status).toBe(400);
  });
});

describe('occurrence times', () => {
  const monthly = { frequency: 'monthly' as const, every: 1, firstStart: '2026-01-31T02:00:00.000Z', durationMinutes: 60, until: null, count: 12 };
  it.each([
    [1, '2026-02-28T02:00:00.000Z'],
    [2, '2026-03-31T02:00:00.000Z'],
    [3, '2026-04-30T02:00:00.000Z'],
    [12, '2027-01-31T02:00:00.000Z'],
  ])('puts monthly occurrence %i of a series started on the 31st on %s', (index, expected) => {
    expect(occurrenceStart(monthly, index).toISOString()).toBe(expected);
  });

  it('always creates the next occurrence, even beyond 30 days', () => {
    const quarterly = { ...monthly, every: 3, firstStart: '2026-01-15T02:00:00.000Z' };
    expect(occurrencesDue(quarterly, 1, new Date('2026-01-16T00:00:00Z'))).toEqual([1]);
  });

  it('stops at `until`, inclusive of an occurrence starting exactly then', () => {
    const rule = {
      frequency: 'weekly' as const,
      every: 2,
      firstStart: '2026-03-01T00:00:00.000Z',
      durationMinutes: 60,
      until: '2026-03-15T00:00:00.000Z',
      count: null,
    };
    expect(occurrencesDue(rule, 0, new Date('2026-02-28T00:00:00Z'))).toEqual([0, 1]);
  });
});
