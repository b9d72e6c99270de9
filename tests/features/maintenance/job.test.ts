import { beforeEach, describe, expect, it } from 'vitest';
import type { MaintenanceJob } from '../../../api/features/maintenance/job.ts';
import { makeMaintenance } from '../../support/factories.ts';
import { makeTestApp, type TestApp } from '../../support/app.ts';

let t: TestApp;
let job: MaintenanceJob;
beforeEach(async () => {
  t = await makeTestApp({ start: '2026-03-10T21:00:00.000Z' });
  job = t.herald.maintenance;
  await t.call('POST', '/api/admin/maintenance', makeMaintenance()); // 22:00–00:00
});

const read = async () => (await t.call('GET', '/api/admin/maintenance/MNT-1')).json;
const serviceStatus = async (slug: string) => (await t.call('GET', `/api/admin/services/${slug}`)).json.status;
const published = (path: string) => JSON.parse(t.snapshot.get(path)?.body.toString() ?? 'null');

describe('the maintenance transitions job', () => {
  it('does nothing before the window', async () => {
    t.clock.set('2026-03-10T21:59:59.999Z');
    expect(await job.tick()).toEqual([]);
    expect((await read()).status).toBe('scheduled');
  });

  it('starts the window at exactly scheduled_for, with an update in the timeline, and republishes', async () => {
    t.clock.set('2026-03-10T22:00:00.000Z');
    expect(await job.tick()).toEqual(['MNT-1']);
    const m = await read();
    expect(m).toMatchObject({ status: 'in_progress', startedAt: '2026-03-10T22:00:00.000Z' });
    expect(m.updates[0]).toMatchObject({ status: 'in_progress', message: 'Maintenance started.', createdAt: '2026-03-10T22:00:00.000Z' });
    expect(await serviceStatus('api')).toBe('under_maintenance');
    expect(published('/api/v2/scheduled-maintenances/active.json').scheduled_maintenances.map((x: { id: string }) => x.id)).toEqual(['MNT-1']);
    expect(await job.tick()).toEqual([]);
    expect((await read()).updates).toHaveLength(2);
  });

  it('completes it at exactly scheduled_until and restores the services', async () => {
    t.clock.set('2026-03-10T22:00:00.000Z');
    await job.tick();
    t.clock.set('2026-03-10T23:59:59.999Z');
    expect(await job.tick()).toEqual([]);
    t.clock.set('2026-03-11T00:00:00.000Z');
    expect(await job.tick()).toEqual(['MNT-1']);
    const m = await read();
    expect(m).toMatchObject({ status: 'completed', completedAt: '2026-03-11T00:00:00.000Z' });
    expect(m.updates.map((u: { message: string }) => u.message).slice(0, 2)).toEqual(['Maintenance completed.', 'Maintenance started.']);
    expect(await serviceStatus('api')).toBe('operational');
    expect(published('/api/v2/summary.json').scheduled_maintenances).toEqual([]);
  });

  it('starts and completes in one pass a window it missed entirely (e.g. the server was down)', async () => {
    t.clock.set('2026-03-11T03:00:00.000Z');
    expect(await job.tick()).toEqual(['MNT-1']);
    const m = await read();
    expect(m.status).toBe('completed');
    expect(m.updates.map((u: { status: string }) => u.status)).toEqual(['completed', 'in_progress', 'scheduled']);
    expect(await serviceStatus('api')).toBe('operational');
  });

  it('leaves a window the comms lead completed early alone', async () => {
    await t.call('POST', '/api/admin/maintenance/MNT-1/updates', { status: 'completed', message: 'Called off.' });
    t.clock.set('2026-03-10T22:00:00.000Z');
    expect(await job.tick()).toEqual([]);
    expect((await read()).updates).toHaveLength(2);
  });

  it('runs on its interval once started and stops when told', async () => {
    t.clock.set('2026-03-10T22:00:00.000Z');
    const stop = job.start(10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stop();
    expect((await read()).status).toBe('in_progress');
  });
});
