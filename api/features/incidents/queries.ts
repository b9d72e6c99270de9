/**
 * Reading incidents, for the admin API, the desk, the site and the other features: as stored
 * (`loadIncidents`, `loadIncident`), or as readers see them at `now` (`readIncident`,
 * `listIncidents`), each parsed by the Incident schema it is documented with.
 */
import { Incident } from '../../shared/schemas.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { makeRef } from '../../shared/refs.ts';
import type { CommandDeps } from '../../platform/commands.ts';
import type { Executor } from '../../platform/db/client.ts';
import { findIncident, loadIncidents } from './store.ts';
import { toIncident } from './rules.ts';
import type { IncidentRecord } from './schemas.ts';

/** Incidents as stored, newest first: nothing is derived, so the store's read is the query. */
export { loadIncidents };

/** What a read needs besides the database: the clock and the rules' settings. */
export type QueryDeps = Pick<CommandDeps, 'db' | 'clock' | 'policy'>;

/** The error for an incident that is not there, said the same way wherever it is asked for. */
export const noSuchIncident = (id: number) =>
  new NotFoundError(`[Incidents] No incident ${makeRef('incident', id)}. Check the reference; the list of all incidents has every one.`);

/** One incident as stored, drafts included; NotFoundError when there is none. */
export async function loadIncident(db: Executor, id: number): Promise<IncidentRecord> {
  const record = await findIncident(db, id);
  if (!record) throw noSuchIncident(id);
  return record;
}

/** An incident as readers see it at `now`, exactly as the Incident schema says. */
export const shapeIncident = (record: IncidentRecord, deps: Pick<QueryDeps, 'clock' | 'policy'>): Incident =>
  Incident.parse(toIncident(record, deps.clock.now(), deps.policy));

/** One incident as readers see it now; NotFoundError when there is none. */
export async function readIncident(deps: QueryDeps, id: number): Promise<Incident> {
  return shapeIncident(await loadIncident(deps.db, id), deps);
}

/**
 * Incidents newest first, each with its cadence. `draft` lists the drafts alerts opened that
 * await publication (a discarded one is resolved); `all` is everything, drafts included.
 */
export async function listIncidents(deps: QueryDeps, query: { state: 'open' | 'resolved' | 'all' | 'draft'; limit: number }): Promise<Incident[]> {
  const { state, limit } = query;
  const filter =
    state === 'draft' ? ({ state: 'open', drafts: 'only' } as const) : { state, drafts: state === 'all' ? ('include' as const) : ('exclude' as const) };
  const now = deps.clock.now();
  return (await loadIncidents(deps.db, { ...filter, limit })).map((r) => Incident.parse(toIncident(r, now, deps.policy)));
}
