/**
 * The guard against leaking internals, through every door that publishes text: the admin API
 * answers 422 `leaks_internals` naming each finding, unless the request acknowledges them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../api/features/audit/store.ts';
import { makeIncident, makeMaintenance, makeUpdate } from '../../support/factories.ts';
import { makeTestApp, type TestApp } from '../../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const published = () => t.snapshot.get('/api/v2/incidents.json')?.body.toString() ?? '';

describe('declaring an incident', () => {
  it('is refused with 422, naming each finding and its field, and nothing is written or published', async () => {
    const res = await t.call(
      'POST',
      '/api/admin/incidents',
      makeIncident({
        title: 'db-prod-3 is down',
        message: 'P2: see 10.1.2.3, ask oncall@example.com. Sam Lee leads.',
        impact: 'Traceback (most recent call last)',
        commander: 'Sam Lee',
      }),
    );
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('leaks_internals');
    expect(res.json.error.message).toContain('acknowledgeWarnings');
    expect(res.json.error.fields).toEqual([
      { path: 'title', message: 'looks like an internal host name "db-prod-3"' },
      { path: 'message', message: 'looks like a private IP address "10.1.2.3"' },
      { path: 'message', message: 'looks like an email address "oncall@example.com"' },
      { path: 'message', message: 'looks like an internal severity code "P2"' },
      { path: 'message', message: 'looks like the incident commander\'s name "Sam Lee"' },
      { path: 'impact', message: 'looks like a stack trace "Traceback (most recent call last)"' },
    ]);
    expect((await t.call('GET', '/api/admin/incidents?state=all')).json.incidents).toEqual([]);
    expect(published()).not.toContain('db-prod-3');
  });

  it('is published as it is when the request acknowledges the warnings, and the audit log says so', async () => {
    const res = await t.call('POST', '/api/admin/incidents', makeIncident({ message: 'Failing over db-prod-3.', acknowledgeWarnings: true }));
    expect(res.status).toBe(201);
    expect(published()).toContain('Failing over db-prod-3.');
    const [audit] = await listAudit(t.db, { ref: 'INC-1' });
    expect(JSON.stringify(audit?.after)).toContain('"acknowledgeWarnings":true');
  });

  it('passes plain customer words without asking', async () => {
    expect((await t.call('POST', '/api/admin/incidents', makeIncident())).status).toBe(201);
  });
});

describe('every other door that publishes text', () => {
  beforeEach(async () => {
    expect((await t.call('POST', '/api/admin/incidents', makeIncident({ commander: 'Sam Lee' }))).status).toBe(201);
  });

  it.each([
    ['an update naming the commander', 'POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ message: 'Sam Lee is rolling back.' }), 'message'],
    [
      'a resolution with a stack trace as its root cause',
      'POST',
      '/api/admin/incidents/INC-1/updates',
      makeUpdate({ status: 'resolved', message: 'Fixed.', rootCause: 'TypeError: x is undefined\n    at run (/srv/app.js:1:2)' }),
      'rootCause',
    ],
    ['an edited title', 'PATCH', '/api/admin/incidents/INC-1', { title: 'api.eu.internal overloaded' }, 'title'],
    ['a corrected update', 'PATCH', '/api/admin/incidents/INC-1/updates/1', { message: 'Now a SEV1.' }, 'message'],
  ])('refuses %s with 422, and accepts it acknowledged', async (_name, method, path, body, field) => {
    const refused = await t.call(method, path, body);
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe('leaks_internals');
    expect(refused.json.error.fields.map((f: { path: string }) => f.path)).toContain(field);
    const accepted = await t.call(method, path, { ...body, acknowledgeWarnings: true });
    expect(accepted.status).toBeLessThan(300);
  });

  it('refuses a reopening message with a private address, and accepts it acknowledged', async () => {
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    const refused = await t.call('POST', '/api/admin/incidents/INC-1/reopen', { message: 'Errors again from 192.168.0.7.' });
    expect(refused.status).toBe(422);
    expect(refused.json.error.fields).toEqual([{ path: 'message', message: 'looks like a private IP address "192.168.0.7"' }]);
    expect((await t.call('POST', '/api/admin/incidents/INC-1/reopen', { message: 'Errors again from 192.168.0.7.', acknowledgeWarnings: true })).status).toBe(
      201,
    );
  });

  it('refuses maintenance text with internals, scheduling and updating alike', async () => {
    const refused = await t.call('POST', '/api/admin/maintenance', makeMaintenance({ message: 'Upgrading pg-primary-1 at 10.0.0.5.' }));
    expect(refused.status).toBe(422);
    expect(refused.json.error.fields.map((f: { message: string }) => f.message)).toEqual([
      'looks like an internal host name "pg-primary-1"',
      'looks like a private IP address "10.0.0.5"',
    ]);
    const created = await t.call('POST', '/api/admin/maintenance', makeMaintenance());
    expect(created.status).toBe(201);
    const update = await t.call('POST', `/api/admin/maintenance/${created.json.ref}/updates`, { message: 'Ask ops@example.com.' });
    expect(update.status).toBe(422);
    expect(
      (await t.call('POST', `/api/admin/maintenance/${created.json.ref}/updates`, { message: 'Ask ops@example.com.', acknowledgeWarnings: true })).status,
    ).toBe(201);
  });
});

it('documents acknowledgeWarnings and the 422 in the OpenAPI document', async () => {
  const doc = (await t.call('GET', '/api/openapi.json')).json;
  for (const input of [
    'CreateIncidentInput',
    'PostUpdateInput',
    'ReopenInput',
    'PatchIncidentInput',
    'PatchUpdateInput',
    'CreateMaintenanceInput',
    'PostMaintenanceUpdateInput',
  ]) {
    expect(doc.components.schemas[input].properties.acknowledgeWarnings, input).toMatchObject({ type: 'boolean' });
  }
  expect(doc.paths['/api/admin/incidents'].post.responses['422']).toBeDefined();
  expect(doc.paths['/api/admin/maintenance'].post.responses['422']).toBeDefined();
});
