import { beforeEach, describe, expect, it } from 'vitest';
import { makeMaintenance, makePastMaintenance } from '../../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await t.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Tonight' }));
  await t.call(
    'POST',
    '/api/admin/maintenance',
    makeMaintenance({ title: 'Now', services: ['cdn'], scheduledFor: '2026-03-10T11:00:00.000Z', scheduledUntil: '2026-03-10T13:00:00.000Z' }),
  );
  await makePastMaintenance(t, { title: 'Yesterday', scheduledFor: '2026-03-09T11:00:00.000Z', scheduledUntil: '2026-03-09T13:00:00.000Z' });
});

const get = async (path: string) => {
  const res = await t.app.request(path);
  expect(res.status).toBe(200);
  return res.json() as Promise<any>;
};
const names = (doc: { scheduled_maintenances: { name: string }[] }) => doc.scheduled_maintenances.map((m) => m.name);

describe('Statuspage scheduled maintenances', () => {
  it('lists upcoming, active and all windows at their Statuspage paths', async () => {
    expect(names(await get('/api/v2/scheduled-maintenances/upcoming.json'))).toEqual(['Tonight']);
    expect(names(await get('/api/v2/scheduled-maintenances/active.json'))).toEqual(['Now']);
    expect(names(await get('/api/v2/scheduled-maintenances.json'))).toEqual(['Tonight', 'Now', 'Yesterday']);
  });

  it('puts active and upcoming windows in summary.json', async () => {
    expect(names(await get('/api/v2/summary.json'))).toEqual(['Now', 'Tonight']);
  });

  it('uses Statuspage field names and values', async () => {
    const [m] = (await get('/api/v2/scheduled-maintenances/upcoming.json')).scheduled_maintenances;
    expect(m).toMatchObject({
      id: 'MNT-1',
      name: 'Tonight',
      status: 'scheduled',
      impact: 'maintenance',
      shortlink: `${PUBLIC_URL}/maintenance/MNT-1`,
      scheduled_for: '2026-03-10T22:00:00.000Z',
      scheduled_until: '2026-03-11T00:00:00.000Z',
      resolved_at: null,
      page_id: 'herald',
    });
    expect(m.incident_updates).toEqual([
      expect.objectContaining({ id: expect.stringMatching(/^MNT-1-\d+$/), status: 'scheduled', body: makeMaintenance().message, incident_id: 'MNT-1' }),
    ]);
    expect(m.components.map((c: { id: string }) => c.id).sort()).toEqual(['api', 'database']);
  });

  it('shows the affected component under maintenance while a window runs', async () => {
    const { components } = await get('/api/v2/components.json');
    expect(components.find((c: { id: string }) => c.id === 'cdn').status).toBe('under_maintenance');
  });
});
