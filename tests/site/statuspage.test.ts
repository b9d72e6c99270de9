/**
 * The Statuspage JSON as a client written for Atlassian's reads it: a component is the same
 * object wherever it appears (components.json, summary.json, an incident's or a maintenance's
 * `components`), dated by when it was created and the day its history starts.
 */
import { describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { makeIncident, makeMaintenance, makeUpdate } from '../support/factories.ts';

type Component = Record<string, unknown> & { id: string };
const json = (t: TestApp, path: string) => JSON.parse(t.snapshot.get(path)?.body.toString() ?? '{}');

describe('Statuspage components', () => {
  it('gives each incident and maintenance the very component objects of components.json', async () => {
    const t = await makeTestApp({ start: '2026-11-20T08:00:00.000Z' });
    t.clock.set('2026-11-27T10:00:00.000Z');
    const ref = (
      await t.call(
        'POST',
        '/api/admin/incidents',
        makeIncident({
          services: [
            { slug: 'api', status: 'partial_outage' },
            { slug: 'cdn', status: 'degraded_performance' },
          ],
        }),
      )
    ).json.ref;
    const resolved = (
      await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Slow search', services: [{ slug: 'search', status: 'degraded_performance' }] }))
    ).json.ref;
    await t.call('POST', `/api/admin/incidents/${resolved}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    await t.call(
      'POST',
      '/api/admin/maintenance',
      makeMaintenance({ services: ['database'], scheduledFor: '2026-11-28T22:00:00.000Z', scheduledUntil: '2026-11-28T23:00:00.000Z' }),
    );

    const listed = json(t, '/api/v2/components.json').components as Component[];
    const byId = new Map(listed.map((c) => [c.id, c]));
    const keys = Object.keys(byId.get('api') ?? {}).sort();
    expect(keys).toEqual([
      'created_at',
      'description',
      'group',
      'group_id',
      'id',
      'name',
      'only_show_if_degraded',
      'page_id',
      'position',
      'showcase',
      'start_date',
      'status',
      'updated_at',
    ]);
    const incidents = json(t, '/api/v2/incidents.json').incidents as { id: string; components: Component[] }[];
    expect(incidents.map((i) => i.id)).toEqual(expect.arrayContaining([ref, resolved]));
    for (const incident of incidents) {
      expect(incident.components.length, incident.id).toBeGreaterThan(0);
      for (const component of incident.components) {
        expect(Object.keys(component).sort(), `${incident.id} ${component.id}`).toEqual(keys);
        expect(component).toEqual(byId.get(component.id));
      }
    }
    const summary = json(t, '/api/v2/summary.json');
    expect(summary.components).toEqual(listed);
    expect(summary.incidents[0].components).toEqual([byId.get('api'), byId.get('cdn')]);
    const windows = json(t, '/api/v2/scheduled-maintenances/upcoming.json').scheduled_maintenances;
    expect(windows[0].components).toEqual([byId.get('database')]);
  });

  it('dates a component by its creation, not its last status change, and starts it on the day its history starts', async () => {
    const t = await makeTestApp({ start: '2026-11-20T08:00:00.000Z' });
    t.clock.set('2026-11-27T10:00:00.000Z');
    expect((await t.call('PATCH', '/api/admin/services/cdn', { status: 'major_outage' })).status).toBe(200);
    // A service created today, with an incident entered with a past time (an import).
    expect((await t.call('POST', '/api/admin/services', { slug: 'reports', name: 'Reports', status: 'operational' })).status).toBe(201);
    t.clock.set('2026-10-14T10:00:00.000Z');
    const past = (await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'reports', status: 'partial_outage' }] }))).json.ref;
    t.clock.advance(45 * 60_000);
    await t.call('POST', `/api/admin/incidents/${past}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    t.clock.set('2026-11-27T11:00:00.000Z');
    await t.publisher.publish('all');

    const byId = new Map((json(t, '/api/v2/components.json').components as Component[]).map((c) => [c.id, c]));
    expect(byId.get('cdn')).toMatchObject({
      created_at: '2026-11-20T08:00:00.000Z',
      updated_at: '2026-11-27T10:00:00.000Z',
      start_date: '2026-11-20',
      status: 'major_outage',
    });
    expect(byId.get('reports')).toMatchObject({ created_at: '2026-11-27T10:00:00.000Z', start_date: '2026-10-14' });
    // A group is as old as its oldest member, and starts with its earliest.
    const group = [...byId.values()].find((c) => c.group && (c.components as string[]).includes('cdn'));
    expect(group).toMatchObject({ created_at: '2026-11-20T08:00:00.000Z', start_date: '2026-11-20' });
    for (const c of byId.values()) expect(c.start_date, c.id).toMatch(/^\d{4}-\d\d-\d\d$/);
  });

  it('gives each update an id that names its incident, as webhooks do (INC-6-20)', async () => {
    const t = await makeTestApp();
    const ref = (await t.call('POST', '/api/admin/incidents', makeIncident())).json.ref;
    await t.call('POST', `/api/admin/incidents/${ref}/updates`, makeUpdate());
    const incident = (json(t, '/api/v2/incidents.json').incidents as { id: string; incident_updates: { id: string }[] }[]).find((i) => i.id === ref);
    expect(incident?.incident_updates.map((u) => u.id)).toEqual([
      expect.stringMatching(new RegExp(`^${ref}-\\d+$`)),
      expect.stringMatching(new RegExp(`^${ref}-\\d+$`)),
    ]);
  });
});
