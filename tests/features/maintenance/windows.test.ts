import { beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../api/features/audit/store.ts';
import { makeMaintenance } from '../../support/factories.ts';
import { makeTestApp, type TestApp } from '../../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp(); // clock at 2026-03-10T12:00Z; the factory's window is 22:00–00:00
});

const schedule = (overrides = {}) => t.call('POST', '/api/admin/maintenance', makeMaintenance(overrides));
const extend = (body: unknown, ref = 'MNT-1') => t.call('POST', `/api/admin/maintenance/${ref}/extend`, body);
const count = async () => (await t.db.execute('SELECT count(*) AS n FROM maintenances')).rows[0]?.n;

describe('a window that would already be over', () => {
  it.each([
    ['ended an hour ago', '2026-03-10T09:00:00.000Z', '2026-03-10T11:00:00.000Z'],
    ['ends exactly now', '2026-03-10T11:00:00.000Z', '2026-03-10T12:00:00.000Z'],
  ])('is refused with 422 window_in_past naming scheduledUntil when it %s', async (_, scheduledFor, scheduledUntil) => {
    const res = await schedule({ scheduledFor, scheduledUntil });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('window_in_past');
    expect(res.json.error.message).toMatch(/^\[Maintenance\] The window would already be over/);
    expect(res.json.error.fields).toEqual([
      { path: 'scheduledUntil', message: `must be in the future: ${scheduledUntil.slice(0, 10)} ${scheduledUntil.slice(11, 16)} UTC has already passed` },
    ]);
    expect(await count()).toBe(0);
  });

  it('is accepted when it ends a millisecond from now (and starts at once)', async () => {
    const res = await schedule({ scheduledFor: '2026-03-10T11:00:00.000Z', scheduledUntil: '2026-03-10T12:00:00.001Z' });
    expect(res.status).toBe(201);
    expect(res.json.status).toBe('in_progress');
  });
});

describe('extending a window', () => {
  beforeEach(async () => {
    await schedule();
  });

  it('moves the end later, says so on the timeline, and is audited', async () => {
    const res = await extend({ scheduledUntil: '2026-03-11T01:30:00.000Z' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: 'scheduled', scheduledUntil: '2026-03-11T01:30:00.000Z' });
    expect(res.json.updates[0]).toMatchObject({
      event: 'extended',
      status: 'scheduled',
      message: 'The maintenance window has been extended; it is now planned to end at 2026-03-11 01:30 UTC.',
    });
    const [entry] = await listAudit(t.db, { entity: 'maintenance' });
    expect(entry).toMatchObject({ action: 'maintenance.extend', ref: 'MNT-1' });
  });

  it('keeps the comms lead’s own words, and a running window running until the new end', async () => {
    t.clock.set('2026-03-10T22:30:00.000Z');
    await t.herald.maintenance.tick();
    const res = await extend({ scheduledUntil: '2026-03-11T02:00:00.000Z', message: 'The migration is slower than planned.' });
    expect(res.json).toMatchObject({
      status: 'in_progress',
      updates: [{ event: 'extended', message: 'The migration is slower than planned.' }, { event: 'started' }, { event: 'scheduled' }],
    });
    t.clock.set('2026-03-11T00:30:00.000Z');
    expect(await t.herald.maintenance.tick()).toEqual([]);
    t.clock.set('2026-03-11T02:00:00.000Z');
    expect(await t.herald.maintenance.tick()).toEqual(['MNT-1']);
    expect((await t.call('GET', '/api/admin/maintenance/MNT-1')).json.updates[0]).toMatchObject({ event: 'ended', status: 'completed' });
  });

  it('refuses an end no later than the current one (400), a past end (422) and a completed window (409)', async () => {
    const earlier = await extend({ scheduledUntil: '2026-03-10T23:00:00.000Z' });
    expect(earlier.status).toBe(400);
    expect(earlier.json.error.fields).toEqual([{ path: 'scheduledUntil', message: 'must be later than the current end, 2026-03-11 00:00 UTC' }]);
    t.clock.set('2026-03-11T03:00:00.000Z');
    const past = await extend({ scheduledUntil: '2026-03-11T02:00:00.000Z' });
    expect(past.status).toBe(422);
    expect(past.json.error).toMatchObject({ code: 'window_in_past', fields: [{ path: 'scheduledUntil' }] });
    await t.herald.maintenance.tick();
    const done = await extend({ scheduledUntil: '2026-03-11T05:00:00.000Z' });
    expect(done.status).toBe(409);
    expect((await extend({ scheduledUntil: '2026-03-11T05:00:00.000Z' }, 'MNT-9')).status).toBe(404);
    expect((await extend({ scheduledUntil: 'tomorrow' })).status).toBe(400);
  });
});

describe('ending a window early and calling one off', () => {
  beforeEach(async () => {
    await schedule();
  });
  const post = (body: unknown) => t.call('POST', '/api/admin/maintenance/MNT-1/updates', body);

  it('names each entry by what it did: scheduled, started, ended', async () => {
    await post({ status: 'in_progress', message: 'Starting early.' });
    const res = await post({ status: 'completed', message: 'Finished ahead of time.' });
    expect(res.json.updates.map((u: { event: string }) => u.event)).toEqual(['ended', 'started', 'scheduled']);
  });

  it('calls a window off that never started: cancelled, services untouched', async () => {
    const res = await post({ status: 'completed', message: 'We no longer need this maintenance.' });
    expect(res.json).toMatchObject({ status: 'completed', startedAt: null, updates: [{ event: 'cancelled' }, { event: 'scheduled' }] });
    expect((await t.call('GET', '/api/admin/services/api')).json.status).toBe('operational');
  });
});
