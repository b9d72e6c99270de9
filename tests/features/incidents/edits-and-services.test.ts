import { beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../api/features/audit/store.ts';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { makeTestApp, type TestApp } from '../../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Slow API', severity: 'P2' }));
});

describe('editing an incident', () => {
  it('changes the fields and audits before and after', async () => {
    t.clock.advance(60_000);
    const res = await t.call('PATCH', '/api/admin/incidents/INC-1', { title: 'Failing API', severity: 'P1', impact: 'Half of requests fail.' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ title: 'Failing API', severity: 'P1', impact: 'Half of requests fail.' });
    const [entry] = await listAudit(t.db, { entity: 'incident', ref: 'INC-1' });
    expect(entry).toMatchObject({
      actor: 'env:HERALD_ADMIN_TOKEN',
      action: 'incident.edit',
      at: '2026-03-10T12:01:00.000Z',
      before: { title: 'Slow API', severity: 'P2', impact: 'Some API requests fail.' },
      after: { title: 'Failing API', severity: 'P1', impact: 'Half of requests fail.' },
    });
  });

  it('refuses an empty patch', async () => {
    expect((await t.call('PATCH', '/api/admin/incidents/INC-1', {})).status).toBe(400);
  });

  it('will not drop a service that still shows the outage', async () => {
    const res = await t.call('PATCH', '/api/admin/incidents/INC-1', { services: ['web-app'] });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toContain('api');
  });
});

describe('editing an update', () => {
  it('marks it edited on the public feed and keeps both versions in the audit log', async () => {
    const incident = (await t.call('GET', '/api/admin/incidents/INC-1')).json;
    const updateId = incident.updates[0].id;
    t.clock.advance(5 * 60_000);
    const res = await t.call('PATCH', `/api/admin/incidents/INC-1/updates/${updateId}`, { message: 'We are investigating **slow** API responses.' });
    expect(res.status).toBe(200);
    expect(res.json.updates[0]).toMatchObject({ message: 'We are investigating **slow** API responses.', editedAt: '2026-03-10T12:05:00.000Z' });
    const summary = JSON.parse(t.snapshot.get('/api/v2/incidents.json')!.body.toString());
    expect(summary.incidents[0].incident_updates[0].updated_at).toBe('2026-03-10T12:05:00.000Z');
    expect(t.snapshot.get('/feed.xml')!.body.toString()).toContain('<strong>slow</strong>');
    const [entry] = await listAudit(t.db, { entity: 'update' });
    expect(entry?.before).toEqual({ message: 'We are investigating elevated error rates on the API.' });
    expect(entry?.after).toEqual({ message: 'We are investigating **slow** API responses.' });
  });

  it('answers 404 for an update of another incident', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Other' }));
    const other = (await t.call('GET', '/api/admin/incidents/INC-2')).json.updates[0].id;
    expect((await t.call('PATCH', `/api/admin/incidents/INC-1/updates/${other}`, { message: 'x' })).status).toBe(404);
  });
});

describe('services', () => {
  it('lists the catalogue in page order', async () => {
    const { services } = (await t.call('GET', '/api/admin/services')).json;
    expect(services).toHaveLength(10);
    expect(services[0]).toMatchObject({ slug: 'web-app', group: 'core', groupName: 'Core platform' });
  });

  it('creates, edits and deletes a service, and the public JSON follows', async () => {
    const created = await t.call('POST', '/api/admin/services', { slug: 'mobile-app', name: 'Mobile app', group: 'core' });
    expect(created.status).toBe(201);
    expect((await t.call('POST', '/api/admin/services', { slug: 'mobile-app', name: 'Again' })).status).toBe(409);
    const edited = await t.call('PATCH', '/api/admin/services/mobile-app', { status: 'degraded_performance' });
    expect(edited.json.status).toBe('degraded_performance');
    let components = JSON.parse(t.snapshot.get('/api/v2/components.json')!.body.toString()).components;
    expect(components.find((c: { id: string }) => c.id === 'mobile-app')).toMatchObject({ status: 'degraded_performance', group_id: 'group-core' });
    expect((await t.call('DELETE', '/api/admin/services/mobile-app')).status).toBe(204);
    components = JSON.parse(t.snapshot.get('/api/v2/components.json')!.body.toString()).components;
    expect(components.find((c: { id: string }) => c.id === 'mobile-app')).toBeUndefined();
  });

  it('audits a status change as service.status and other edits as service.edit, whichever door they come through, and nothing for a patch that changes nothing', async () => {
    await t.call('PATCH', '/api/admin/services/billing', { status: 'degraded_performance' });
    await t.call('PATCH', '/api/admin/services/billing', { name: 'Billing & invoices' });
    await t.call('PATCH', '/api/admin/services/billing', { name: 'Billing & invoices', status: 'degraded_performance' });
    const trail = (await listAudit(t.db, { entity: 'service', ref: 'billing' })).reverse();
    expect(trail.map((e) => [e.action, e.before, e.after])).toEqual([
      ['service.status', { status: 'operational' }, { status: 'degraded_performance' }],
      ['service.edit', { name: 'Billing' }, { name: 'Billing & invoices' }],
    ]);
    expect(trail.every((e) => e.actor === 'env:HERALD_ADMIN_TOKEN')).toBe(true);
  });

  it('refuses to delete a service an open incident names', async () => {
    const res = await t.call('DELETE', '/api/admin/services/api');
    expect(res.status).toBe(409);
    expect(res.json.error.message).toContain('INC-1');
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'ok' }));
    expect((await t.call('DELETE', '/api/admin/services/api')).status).toBe(204);
  });

  it('rejects a bad slug and an unknown group', async () => {
    expect((await t.call('POST', '/api/admin/services', { slug: 'Bad Slug', name: 'x' })).json.error.fields[0].path).toBe('slug');
    expect((await t.call('POST', '/api/admin/services', { slug: 'ok', name: 'x', group: 'nope' })).status).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('describes the admin API in OpenAPI 3.1 from the same schemas', async () => {
    const doc = (await t.call('GET', '/api/openapi.json', undefined, null)).json;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/admin/incidents/{ref}/updates', '/api/admin/subscribers/import', '/api/admin/webhooks', '/healthz/freshness']),
    );
    expect(doc.components.schemas.CreateWebhookInput.properties.url).toBeDefined();
    const create = doc.components.schemas.CreateIncidentInput;
    expect(create.required).toEqual(expect.arrayContaining(['title', 'severity', 'message']));
    expect(create.properties.severity.enum).toEqual(['P0', 'P1', 'P2', 'P3']);
    expect(create.properties.nextUpdateInMinutes.maximum).toBe(30);
  });
});
