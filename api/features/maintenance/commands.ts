/**
 * What can happen to a maintenance window, whoever asks (the admin API, a script, the
 * transitions job): each change is written in one transaction with its audit entry and its
 * notices, then the site is republished, and the window comes back as it now is.
 */
import type { Transaction } from '@libsql/client';
import { applyMaintenanceUpdate, dueMaintenanceIds, extendMaintenanceWindow, insertMaintenance, loadMaintenance } from './store.ts';
import type { Actor } from '../../shared/actor.ts';
import { assertExtension, assertWindowAhead, automaticMessage, dueTransitions, extendedMessage, toMaintenance } from './rules.ts';
import { makeRef } from '../../shared/refs.ts';
import { Maintenance, type CreateMaintenanceInput, type ExtendMaintenanceInput, type PostMaintenanceUpdateInput } from '../../shared/schemas.ts';
import { republish } from '../../platform/republish.ts';
import { as, type CommandContext, type CommandDeps } from '../../platform/commands.ts';
import { refuseLeaks } from '../../shared/leak-guard.ts';

/** Who the timeline names for the updates the clock makes. */
const SCHEDULER: Actor = { kind: 'system', job: 'maintenance' };

export async function readMaintenance(deps: Pick<CommandDeps, 'db' | 'policy'>, id: number): Promise<Maintenance> {
  return Maintenance.parse(toMaintenance(await loadMaintenance(deps.db, id), deps.policy));
}

/** Starts and completes `id` as far as the clock says is due; inside the caller's transaction, as the scheduler. */
async function catchUp(ctx: CommandContext, tx: Transaction, id: number, now: Date): Promise<number> {
  const current = await loadMaintenance(tx, id);
  const steps = dueTransitions(current, now);
  for (const status of steps) {
    const { updateId } = await applyMaintenanceUpdate(tx, id, { status, message: automaticMessage(status, ctx.messages) }, { actor: SCHEDULER, now });
    await ctx.notifier.maintenanceChanged(tx, { maintenanceId: id, updateId }, now);
  }
  return steps.length;
}

// Maintenance pages, the home page and the JSON are re-rendered on every publish.
const republishSite = (ctx: CommandDeps) => republish(ctx, { incidents: [] });

/**
 * Schedules a window. One that would already be over is refused (422 `window_in_past`); one
 * whose start has already passed is started in the same write, so the answer never shows a
 * window the clock has already moved.
 */
export async function scheduleMaintenance(ctx: CommandContext, input: CreateMaintenanceInput): Promise<Maintenance> {
  const now = ctx.clock.now();
  assertWindowAhead(input.scheduledUntil, now);
  refuseLeaks({ title: input.title, message: input.message }, { acknowledged: input.acknowledgeWarnings });
  const id = await ctx.db.write(async (tx) => {
    const created = await insertMaintenance(tx, input, { actor: ctx.actor, now });
    await ctx.notifier.maintenanceChanged(tx, { maintenanceId: created.id, updateId: created.updateId }, now);
    await catchUp(ctx, tx, created.id, now);
    return created.id;
  });
  await republishSite(ctx);
  return readMaintenance(ctx, id);
}

/** Posts an update on a window's timeline, optionally starting or completing it. */
export async function postMaintenanceUpdate(ctx: CommandContext, id: number, input: PostMaintenanceUpdateInput): Promise<Maintenance> {
  refuseLeaks({ message: input.message }, { acknowledged: input.acknowledgeWarnings });
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    const { updateId } = await applyMaintenanceUpdate(tx, id, input, { actor: ctx.actor, now });
    await ctx.notifier.maintenanceChanged(tx, { maintenanceId: id, updateId }, now);
  });
  await republishSite(ctx);
  return readMaintenance(ctx, id);
}

/**
 * Moves a window's end later (409 once completed, 400 unless later than its end, 422 unless
 * still ahead), with a timeline entry that says so and notices like any other update.
 */
export async function extendMaintenance(ctx: CommandContext, id: number, input: ExtendMaintenanceInput): Promise<Maintenance> {
  if (input.message !== undefined) refuseLeaks({ message: input.message }, { acknowledged: input.acknowledgeWarnings });
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    assertExtension(await loadMaintenance(tx, id), input.scheduledUntil, now);
    const message = input.message ?? extendedMessage(input.scheduledUntil, ctx.messages);
    const { updateId } = await extendMaintenanceWindow(tx, id, { scheduledUntil: input.scheduledUntil, message, notify: input.notify }, { actor: ctx.actor, now });
    await ctx.notifier.maintenanceChanged(tx, { maintenanceId: id, updateId }, now);
  });
  await republishSite(ctx);
  return readMaintenance(ctx, id);
}

/**
 * Starts every window whose start has come and completes every one whose end has, each in
 * its own write, as the scheduler; republishes once if anything moved.
 * @returns the references of the windows that moved.
 */
export async function advanceDueMaintenances(deps: CommandDeps): Promise<string[]> {
  const ctx = as(deps, SCHEDULER);
  const now = ctx.clock.now();
  const moved: string[] = [];
  for (const id of await dueMaintenanceIds(ctx.db, now)) {
    // Re-checked inside the write: another process (or a comms lead) may have moved it meanwhile.
    const steps = await ctx.db.write((tx) => catchUp(ctx, tx, id, now));
    if (steps > 0) moved.push(makeRef('maintenance', id));
  }
  if (moved.length > 0) await republishSite(ctx);
  return moved;
}
