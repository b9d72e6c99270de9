import { beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../api/features/audit/store.ts';
import { makeIncident, makeMaintenance, makePastMaintenance } from '../../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp(); // clock at 2026-03-10T12:00Z; the factory's window is 22:00–00:00
});

const serviceStatus = async (slug: string) => (await t.call('GET', `/api/admin/services/${slug}`)).json.status;
const schedule = (overrides = {}) => t.call('POST', '/api/admin/maintenance', makeMaintenance(overrides));

describe('scheduling maintenance', () => {
  it('answers 201 with MNT-1, its window, services and first update', async () => {
    const res = await schedule();
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/admin/maintenance/MNT-1');
    expect(res.json).toMatchObject({
      ref: 'MNT-1',
      url: `${PUBLIC_URL}/maintenance/MNT-1`,
      status: 'scheduled',
      scheduledFor: '2026-03-10T22:00:00.000Z',
      scheduledUntil: '2026-03-11T00:00:00.000Z',
      startedAt: null,
      completedAt: null,
    });
    expect(res.json.services.map((s: { slug: string }) => s.slug).sort()).toEqual(['api', 'database']);
    expect(res.json.updates).toHaveLength(1);
    expect(res.json.updates[0]).toMatchObject({ status: 'scheduled', notify: true });
    expect(await serviceStatus('api')).toBe('operational');
  });

  it('refuses a window that ends before it starts, and unknown services', async () => {
    const backwards = await schedule({ scheduledUntil: '2026-03-10T21:00:00.000Z' });
    expect(backwards.status).toBe(400);
    expect(backwards.json.error.fields).toEqual([{ path: 'scheduledUntil', message: 'must be after scheduledFor' }]);
    const unknown = await schedule({ services: ['nope'] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain('nope');
    expect((await t.db.execute('SELECT count(*) AS n FROM maintenances')).rows[0]?.n).toBe(0);
  });

  it('starts at once a window whose start has already passed', async () => {
    const res = await schedule({ scheduledFor: '2026-03-10T11:00:00.000Z', scheduledUntil: '2026-03-10T13:00:00.000Z' });
    expect(res.json.status).toBe('in_progress');
    expect(res.json.updates.map((u: { message: string }) => u.message)[0]).toBe('Maintenance started.');
    expect(await serviceStatus('api')).toBe('under_maintenance');
  });

  it('needs a bearer token and a token that may publish', async () => {
    expect((await t.call('POST', '/api/admin/maintenance', makeMaintenance(), null)).status).toBe(401);
    expect((await t.call('GET', '/api/admin/maintenance', undefined, null)).status).toBe(401);
  });

  it('is audited', async () => {
    await schedule();
    const [entry] = await listAudit(t.db, { entity: 'maintenance' });
    expect(entry).toMatchObject({ action: 'maintenance.create', ref: 'MNT-1', actor: expect.any(String) });
  });
});

describe('listing maintenance', () => {
  beforeEach(async () => {
    await schedule({ title: 'Later', scheduledFor: '2026-03-12T22:00:00.000Z', scheduledUntil: '2026-03-12T23:00:00.000Z' });
    await schedule({ title: 'Sooner' });
    await schedule({ title: 'Now', scheduledFor: '2026-03-10T11:00:00.000Z', scheduledUntil: '2026-03-10T13:00:00.000Z' });
    await makePastMaintenance(t, { title: 'Past', scheduledFor: '2026-03-09T11:00:00.000Z', scheduledUntil: '2026-03-09T13:00:00.000Z' });
  });

  it.each([
    ['upcoming', ['Sooner', 'Later']],
    ['active', ['Now']],
    ['completed', ['Past']],
    ['all', ['Later', 'Sooner', 'Now', 'Past']],
  ])('state=%s lists %j', async (state, titles) => {
    const res = await t.call('GET', `/api/admin/maintenance?state=${state}`);
    expect(res.status).toBe(200);
    expect(res.json.maintenances.map((m: { title: string }) => m.title)).toEqual(titles);
  });

  it('refuses an unknown state and finds one window by ref, in any case', async () => {
    expect((await t.call('GET', '/api/admin/maintenance?state=soon')).status).toBe(400);
    expect((await t.call('GET', '/api/admin/maintenance/mnt-2')).json.title).toBe('Sooner');
    expect((await t.call('GET', '/api/admin/maintenance/MNT-99')).status).toBe(404);
    expect((await t.call('GET', '/api/admin/maintenance/INC-1')).status).toBe(404);
  });
});

describe('posting maintenance updates', () => {
  beforeEach(async () => {
    await schedule();
  });
  const post = (body: unknown) => t.call('POST', '/api/admin/maintenance/MNT-1/updates', body);

  it('adds a plain update without changing the status', async () => {
    const res = await post({ message: 'Still on for tonight.' });
    expect(res.status).toBe(201);
    expect(res.json.status).toBe('scheduled');
    expect(res.json.updates.map((u: { message: string }) => u.message)[0]).toBe('Still on for tonight.');
  });

  it('starting early sets the services under maintenance; completing restores them', async () => {
    t.clock.advance(60_000);
    const started = await post({ status: 'in_progress', message: 'Starting early.' });
    expect(started.json).toMatchObject({ status: 'in_progress', startedAt: '2026-03-10T12:01:00.000Z' });
    expect(await serviceStatus('api')).toBe('under_maintenance');
    expect(await serviceStatus('database')).toBe('under_maintenance');
    t.clock.advance(60_000);
    const done = await post({ status: 'completed', message: 'All done.' });
    expect(done.json).toMatchObject({ status: 'completed', startedAt: '2026-03-10T12:01:00.000Z', completedAt: '2026-03-10T12:02:00.000Z' });
    expect(await serviceStatus('api')).toBe('operational');
    expect(await serviceStatus('database')).toBe('operational');
  });

  it('leaves a service an open incident still affects as it is on completion', async () => {
    await post({ status: 'in_progress', message: 'Starting.' });
    await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'api', status: 'under_maintenance' }] }));
    await post({ status: 'completed', message: 'Done.' });
    expect(await serviceStatus('api')).toBe('under_maintenance');
    expect(await serviceStatus('database')).toBe('operational');
  });

  it('does not hide an outage when starting', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'api', status: 'major_outage' }] }));
    await post({ status: 'in_progress', message: 'Starting.' });
    expect(await serviceStatus('api')).toBe('major_outage');
  });

  it('refuses any update once completed, and going back to scheduled', async () => {
    await post({ status: 'in_progress', message: 'Starting.' });
    const back = await post({ status: 'scheduled', message: 'Oops.' });
    expect(back.status).toBe(409);
    await post({ status: 'completed', message: 'Done.' });
    const after = await post({ message: 'One more thing.' });
    expect(after.status).toBe(409);
    expect(after.json.error.code).toBe('conflict');
    expect((await t.call('GET', '/api/admin/maintenance/MNT-1')).json.updates).toHaveLength(3);
  });

  it('validates the body and the ref', async () => {
    expect((await post({ status: 'verifying', message: 'x' })).status).toBe(400);
    expect((await post({})).status).toBe(400);
    expect((await t.call('POST', '/api/admin/maintenance/MNT-9/updates', { message: 'x' })).status).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  it('describes the maintenance routes with their schemas', async () => {
    const doc = (await t.call('GET', '/api/openapi.json', undefined, null)).json;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/admin/maintenance', '/api/admin/maintenance/{ref}', '/api/admin/maintenance/{ref}/updates']),
    );
    expect(doc.components.schemas.CreateMaintenanceInput.required).toEqual(expect.arrayContaining(['title', 'message', 'scheduledFor', 'scheduledUntil']));
    expect(doc.components.schemas.Maintenance.properties.status.enum).toEqual(['scheduled', 'in_progress', 'completed']);
  });
});
