/**
 * What can happen to a maintenance window, whoever asks (the admin API, a script, the
 * transitions job): each change is written in one transaction, then the site is republished,
 * and the window comes back as it now is.
 */
import type { Transaction } from '@libsql/client';
import type { Config } from '../config.ts';
import {
  applyMaintenanceUpdate,
  dueMaintenanceIds,
  insertMaintenance,
  loadMaintenance,
  type MaintenanceWriteContext,
} from '../db/maintenance.ts';
import { AUTOMATIC_MESSAGE, dueTransitions, maintenanceRefOf, toMaintenance } from '../domain/maintenance.ts';
import { Maintenance, type CreateMaintenanceInput, type PostMaintenanceUpdateInput } from '../domain/schemas.ts';
import type { AppDeps } from '../http/env.ts';

/** The part of the app's dependencies maintenance needs; the transitions job has exactly these. */
export type MaintenanceDeps = Pick<AppDeps, 'db' | 'clock' | 'publisher' | 'log' | 'notifier'> & { config: Pick<Config, 'publicUrl'> };

/** Who the timeline names for the updates the clock makes. */
export const SYSTEM_ACTOR = 'herald (scheduled)';

export async function readMaintenance(deps: MaintenanceDeps, id: number): Promise<Maintenance> {
  return Maintenance.parse(toMaintenance(await loadMaintenance(deps.db, id), deps.config));
}

/** Starts and completes `id` as far as the clock says is due; inside the caller's transaction. */
async function catchUp(deps: MaintenanceDeps, tx: Transaction, id: number, now: Date): Promise<number> {
  const current = await loadMaintenance(tx, id);
  const steps = dueTransitions(current, now);
  for (const status of steps) {
    const { updateId } = await applyMaintenanceUpdate(tx, id, { status, message: AUTOMATIC_MESSAGE[status] }, { actor: SYSTEM_ACTOR, now });
    await deps.notifier?.maintenanceChanged?.(tx, { maintenanceId: id, updateId }, now);
  }
  return steps.length;
}

async function republish(deps: MaintenanceDeps): Promise<void> {
  try {
    // Maintenance pages, the home page and the JSON are re-rendered on every publish.
    await deps.publisher.publish({ incidents: [] });
  } catch (error) {
    (deps.log ?? console).error('[Publish] The snapshot could not be updated after a maintenance change; it stays as it was:', error);
  }
}

/**
 * Schedules a window. One whose start has already passed is started (and, if over, completed)
 * in the same write, so the answer never shows a window the clock has already moved.
 */
export async function scheduleMaintenance(deps: MaintenanceDeps, actor: string, input: CreateMaintenanceInput): Promise<Maintenance> {
  const now = deps.clock.now();
  const id = await deps.db.write(async (tx) => {
    const created = await insertMaintenance(tx, input, { actor, now });
    await deps.notifier?.maintenanceChanged?.(tx, { maintenanceId: created.id, updateId: created.updateId }, now);
    await catchUp(deps, tx, created.id, now);
    return created.id;
  });
  await republish(deps);
  return readMaintenance(deps, id);
}

/** Posts an update on a window's timeline, optionally starting or completing it. */
export async function postMaintenanceUpdate(deps: MaintenanceDeps, actor: string, id: number, input: PostMaintenanceUpdateInput): Promise<Maintenance> {
  const ctx: MaintenanceWriteContext = { actor, now: deps.clock.now() };
  await deps.db.write(async (tx) => {
    const { updateId } = await applyMaintenanceUpdate(tx, id, input, ctx);
    await deps.notifier?.maintenanceChanged?.(tx, { maintenanceId: id, updateId }, ctx.now);
  });
  await republish(deps);
  return readMaintenance(deps, id);
}

/**
 * Starts every window whose start has come and completes every one whose end has, each in
 * its own write; republishes once if anything moved.
 * @returns the references of the windows that moved.
 */
export async function advanceDueMaintenances(deps: MaintenanceDeps): Promise<string[]> {
  const now = deps.clock.now();
  const moved: string[] = [];
  for (const id of await dueMaintenanceIds(deps.db, now)) {
    // Re-checked inside the write: another process (or a comms lead) may have moved it meanwhile.
    const steps = await deps.db.write((tx) => catchUp(deps, tx, id, now));
    if (steps > 0) moved.push(maintenanceRefOf(id));
  }
  if (moved.length > 0) await republish(deps);
  return moved;
}
