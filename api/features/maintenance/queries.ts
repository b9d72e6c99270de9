/**
 * Reading maintenance windows, for the admin API, the desk, the site and the other features:
 * as stored (`loadMaintenances`, `loadMaintenance`) or as readers see them (`readMaintenance`,
 * `listMaintenances`), parsed by the Maintenance schema they are documented with.
 */
import { NotFoundError } from '../../shared/errors.ts';
import { makeRef } from '../../shared/refs.ts';
import { Maintenance } from '../../shared/schemas.ts';
import type { CommandDeps } from '../../platform/commands.ts';
import type { Executor } from '../../platform/db/client.ts';
import { toMaintenance } from './rules.ts';
import type { MaintenanceRecord, MaintenanceState } from './schemas.ts';
import { findMaintenance, loadMaintenances } from './store.ts';

/** Windows as stored: nothing is derived, so the store's read is the query. */
export { loadMaintenances };

/** One window as stored; NotFoundError when there is none. */
export async function loadMaintenance(db: Executor, id: number): Promise<MaintenanceRecord> {
  const found = await findMaintenance(db, id);
  if (!found)
    throw new NotFoundError(`[Maintenance] No maintenance ${makeRef('maintenance', id)}. Check the reference; the list of all maintenance has every window.`);
  return found;
}

/** One window as readers see it, with its permalink and its timeline newest first; NotFoundError when there is none. */
export async function readMaintenance(deps: Pick<CommandDeps, 'db' | 'policy'>, id: number): Promise<Maintenance> {
  return Maintenance.parse(toMaintenance(await loadMaintenance(deps.db, id), deps.policy));
}

/** Windows as readers see them: upcoming ones soonest first, the others latest first. */
export async function listMaintenances(deps: Pick<CommandDeps, 'db' | 'policy'>, query: { state: MaintenanceState; limit: number }): Promise<Maintenance[]> {
  return (await loadMaintenances(deps.db, query)).map((r) => Maintenance.parse(toMaintenance(r, deps.policy)));
}
