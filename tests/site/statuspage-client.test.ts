/**
 * A real Statuspage client reads Herald: the `statuspage.io` npm package (a client written for
 * Atlassian's public v2 API) is pointed at a Herald server on 127.0.0.1 and reads every
 * /api/v2/*.json endpoint Herald publishes, without error; each answer has every field the
 * client's own result types declare, of the declared kind, and the values agree with what was
 * published and with each other.
 *
 * statuspage.io@3.3.8 is pinned: 3.4.6 (the latest) was published without its `dist`, so it
 * cannot be imported. 3.3.8's `scheduledMaintenances.getAll()` and `getActive()` both ask for
 * upcoming.json (a bug of that client: its `Endpoint.ACTIVE_JSON` is 'upcoming.json'), so
 * those two endpoints are read through the client's own HTTP instance, at its `Endpoint`
 * table's path for all windows and at Atlassian's documented path for the active ones.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Endpoint } from 'statuspage.io/dist/Endpoints.js';
import { Statuspage, type Component, type Incident, type IncidentUpdate, type Page, type ScheduledMaintenance, type Status } from 'statuspage.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIncident, makeMaintenance, makeUpdate } from '../support/factories.ts';
import { makeTestApp, type TestApp } from '../support/app.ts';

/** The kind of a field, as the client's result types declare it. */
type Kind = 'string' | 'string?' | 'number' | 'boolean' | 'array' | readonly string[];

// Each table lists exactly the keys of the client's type: `satisfies` fails the typecheck when
// the client declares a field the table lacks, or the table names one the client does not.
const PAGE = { id: 'string', name: 'string', time_zone: 'string', updated_at: 'string', url: 'string' } satisfies Record<keyof Page['page'], Kind>;
const COMPONENT = {
  created_at: 'string',
  description: 'string?',
  group: 'boolean',
  group_id: 'string?',
  id: 'string',
  name: 'string',
  only_show_if_degraded: 'boolean',
  page_id: 'string',
  position: 'number',
  showcase: 'boolean',
  start_date: 'string?',
  status: ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'],
  updated_at: 'string',
} satisfies Record<keyof Component, Kind>;
const INCIDENT_STATUS = ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'] as const;
const INCIDENT = {
  created_at: 'string',
  id: 'string',
  impact: ['none', 'minor', 'major', 'critical'],
  incident_updates: 'array',
  monitoring_at: 'string?',
  name: 'string',
  page_id: 'string',
  resolved_at: 'string?',
  shortlink: 'string',
  status: INCIDENT_STATUS,
  updated_at: 'string',
} satisfies Record<keyof Incident, Kind>;
const UPDATE = {
  body: 'string',
  created_at: 'string',
  display_at: 'string',
  id: 'string',
  incident_id: 'string',
  status: INCIDENT_STATUS,
  updated_at: 'string',
} satisfies Record<keyof IncidentUpdate, Kind>;
const MAINTENANCE = {
  ...INCIDENT,
  // The client types a window's impact as an incident's; Atlassian's own pages answer
  // "maintenance" for a window, and so does Herald.
  impact: ['none', 'minor', 'major', 'critical', 'maintenance'],
  scheduled_for: 'string',
  scheduled_until: 'string',
  status: ['scheduled', 'in_progress', 'verifying', 'completed'],
} satisfies Record<keyof ScheduledMaintenance, Kind>;
const MAINTENANCE_UPDATE = { ...UPDATE, status: ['scheduled', 'in_progress', 'verifying', 'completed'] } satisfies Record<keyof IncidentUpdate, Kind>;
const STATUS = { description: 'string', indicator: ['none', 'minor', 'major', 'critical', 'maintenance'] } satisfies Record<keyof Status['status'], Kind>;

/** Every field of `spec` present in `value` with its kind; @returns what is wrong, by path. */
function mismatches(value: unknown, spec: Record<string, Kind>, at: string): string[] {
  if (typeof value !== 'object' || value === null) return [`${at}: not an object`];
  const object = value as Record<string, unknown>;
  return Object.entries(spec).flatMap(([key, kind]) => {
    const v = object[key];
    const path = `${at}.${key}`;
    if (!(key in object)) return [`${path}: missing`];
    const ok =
      kind === 'string'
        ? typeof v === 'string'
        : kind === 'string?'
          ? v === null || typeof v === 'string'
          : kind === 'array'
            ? Array.isArray(v)
            : typeof kind === 'string'
              ? typeof v === kind
              : kind.includes(v as string);
    return ok ? [] : [`${path}: ${JSON.stringify(v)} is not ${typeof kind === 'string' ? kind : kind.join('|')}`];
  });
}

const incidentMismatches = (i: Incident, at: string, spec: Record<string, Kind> = INCIDENT, updates: Record<string, Kind> = UPDATE): string[] => [
  ...mismatches(i, spec, at),
  ...(i.incident_updates ?? []).flatMap((u, n) => mismatches(u, updates, `${at}.incident_updates[${n}]`)),
];

/** /api/v2/scheduled-maintenances/active.json, as Atlassian documents it. */
const ACTIVE_PATH = `/${Endpoint.API_V2_BASE}/${Endpoint.SCHEDULED_MAINTENANCES}/active.json`;

let t: TestApp;
let server: Server;
let client: Statuspage;
/** The client's own HTTP instance, for the two endpoints 3.3.8 routes to upcoming.json. */
let http: { get(path: string): Promise<{ data: unknown }> };

beforeAll(async () => {
  t = await makeTestApp({ start: '2026-11-20T08:00:00.000Z' });
  t.clock.set('2026-11-27T10:00:00.000Z');
  // Open (P1 on api), resolved (P2 on search), a window running, one ahead, one that ran.
  await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'api', status: 'partial_outage' }] }));
  await t.call(
    'POST',
    '/api/admin/incidents',
    makeIncident({ title: 'Slow search', severity: 'P2', services: [{ slug: 'search', status: 'degraded_performance' }] }),
  );
  await t.call('POST', '/api/admin/incidents/INC-2/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
  await t.call(
    'POST',
    '/api/admin/maintenance',
    makeMaintenance({ title: 'Ran', services: ['email'], scheduledFor: '2026-11-27T09:00:00.000Z', scheduledUntil: '2026-11-27T12:00:00.000Z' }),
  );
  await t.call('POST', '/api/admin/maintenance/MNT-1/updates', { status: 'completed', message: 'Done early.' });
  await t.call(
    'POST',
    '/api/admin/maintenance',
    makeMaintenance({ title: 'Running', services: ['cdn'], scheduledFor: '2026-11-27T09:30:00.000Z', scheduledUntil: '2026-11-27T11:00:00.000Z' }),
  );
  await t.herald.maintenance.tick();
  await t.call(
    'POST',
    '/api/admin/maintenance',
    makeMaintenance({ title: 'Ahead', services: ['database'], scheduledFor: '2026-11-28T22:00:00.000Z', scheduledUntil: '2026-11-28T23:00:00.000Z' }),
  );
  server = createServer(getRequestListener(t.app.fetch));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new Statuspage('herald');
  client.setApiUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  http = (client as unknown as { apiClient: typeof http }).apiClient;
});
afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

describe('the statuspage.io client reading Herald', () => {
  it('reads summary.json with every declared field, agreeing with status, components and the unresolved lists', async () => {
    const summary = await client.api.getSummary();
    const status = await client.api.getStatus();
    const components = await client.api.getComponents();
    const unresolved = await client.api.incidents.getUnresolved();
    const upcoming = await client.api.scheduledMaintenances.getUpcoming();
    const active = (await http.get(ACTIVE_PATH)).data as { scheduled_maintenances: ScheduledMaintenance[] };
    expect([
      ...mismatches(summary.page, PAGE, 'summary.page'),
      ...mismatches(summary.status, STATUS, 'summary.status'),
      ...summary.components.flatMap((c, n) => mismatches(c, COMPONENT, `summary.components[${n}]`)),
      ...summary.incidents.flatMap((i, n) => incidentMismatches(i, `summary.incidents[${n}]`)),
      ...summary.scheduled_maintenances.flatMap((m, n) =>
        incidentMismatches(m as unknown as Incident, `summary.scheduled_maintenances[${n}]`, MAINTENANCE, MAINTENANCE_UPDATE),
      ),
    ]).toEqual([]);
    expect(summary.status).toEqual(status.status);
    expect(summary.page).toEqual(status.page);
    expect(summary.components).toEqual(components.components);
    expect(summary.incidents.map((i) => i.id)).toEqual(unresolved.incidents.map((i) => i.id));
    expect(summary.incidents.map((i) => i.name)).toEqual(['Elevated API error rates']);
    expect(summary.scheduled_maintenances.map((m) => m.name).sort()).toEqual(
      [...upcoming.scheduled_maintenances, ...active.scheduled_maintenances].map((m) => m.name).sort(),
    );
  });

  it('reads status.json and components.json: the indicator and each component as published', async () => {
    const status = await client.api.getStatus();
    expect([...mismatches(status.page, PAGE, 'page'), ...mismatches(status.status, STATUS, 'status')]).toEqual([]);
    expect(status.status.indicator).toBe('major');
    const { components, page } = await client.api.getComponents();
    expect([...mismatches(page, PAGE, 'page'), ...components.flatMap((c, n) => mismatches(c, COMPONENT, `components[${n}]`))]).toEqual([]);
    const byId = new Map(components.map((c) => [c.id, c]));
    expect(byId.get('api')?.status).toBe('partial_outage');
    expect(byId.get('search')?.status).toBe('operational');
    expect(byId.get('cdn')?.status).toBe('under_maintenance');
  });

  it('reads incidents.json and incidents/unresolved.json: impact, status and updates as published', async () => {
    const all = await client.api.incidents.getAll();
    expect([...mismatches(all.page, PAGE, 'page'), ...all.incidents.flatMap((i, n) => incidentMismatches(i, `incidents[${n}]`))]).toEqual([]);
    const byName = new Map(all.incidents.map((i) => [i.name, i]));
    expect(byName.get('Elevated API error rates')).toMatchObject({ impact: 'major', status: 'investigating', resolved_at: null });
    expect(byName.get('Slow search')).toMatchObject({ impact: 'minor', status: 'resolved', resolved_at: '2026-11-27T10:00:00.000Z' });
    expect(byName.get('Slow search')?.incident_updates.map((u) => u.status)).toEqual(['resolved', 'investigating']);
    const unresolved = await client.api.incidents.getUnresolved();
    expect(unresolved.incidents.flatMap((i, n) => incidentMismatches(i, `unresolved[${n}]`))).toEqual([]);
    expect(unresolved.incidents.map((i) => i.name)).toEqual(['Elevated API error rates']);
  });

  it('reads scheduled-maintenances.json, upcoming.json and active.json: each window where its status puts it', async () => {
    const read = async (path: string) => (await http.get(path)).data as { page: Page['page']; scheduled_maintenances: ScheduledMaintenance[] };
    const lists = {
      all: await read(Endpoint.ScheduledMaintenances.all()),
      upcoming: await client.api.scheduledMaintenances.getUpcoming(),
      active: await read(ACTIVE_PATH),
    };
    for (const [name, list] of Object.entries(lists)) {
      expect([
        ...mismatches(list.page, PAGE, `${name}.page`),
        ...list.scheduled_maintenances.flatMap((m, n) => incidentMismatches(m as unknown as Incident, `${name}[${n}]`, MAINTENANCE, MAINTENANCE_UPDATE)),
      ]).toEqual([]);
    }
    const named = (l: { scheduled_maintenances: ScheduledMaintenance[] }) => l.scheduled_maintenances.map((m) => `${m.name}:${m.status}`).sort();
    expect(named(lists.all)).toEqual(['Ahead:scheduled', 'Ran:completed', 'Running:in_progress']);
    expect(named(lists.upcoming)).toEqual(['Ahead:scheduled']);
    expect(named(lists.active)).toEqual(['Running:in_progress']);
  });
});
