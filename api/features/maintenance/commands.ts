/**
 * What can happen to a maintenance window, whoever asks (the admin API, a script, the
 * transitions job): each change is written in one transaction with its rules, its audit entry
 * and its notices, then the site is republished, and the window comes back as it now is.
 */
import type { Transaction } from '@libsql/client';
import { actorLabel, type Actor } from '../../shared/actor.ts';
import { ValidationError } from '../../shared/errors.ts';
import { refuseLeaks } from '../../shared/leak-guard.ts';
import { makeRef } from '../../shared/refs.ts';
import type { CreateMaintenanceInput, ExtendMaintenanceInput, Maintenance, PostMaintenanceUpdateInput } from '../../shared/schemas.ts';
import type { MaintenanceStatus } from '../../shared/vocabulary.ts';
import { as, type CommandContext, type CommandDeps } from '../../platform/commands.ts';
import type { Executor } from '../../platform/db/client.ts';
import { republish } from '../../platform/republish.ts';
import { recordAudit } from '../audit/index.ts';
import { getServicesBySlug, setServiceStatus } from '../services/index.ts';
import { loadMaintenance, readMaintenance } from './queries.ts';
import {
  assertExtension,
  assertMaintenanceTransition,
  assertWindowAhead,
  automaticMessage,
  dueTransitions,
  extendedMessage,
  maintenanceEvent,
  notifies,
  planMaintenanceServiceChanges,
} from './rules.ts';
import {
  addMaintenanceServices,
  dueMaintenanceIds,
  insertMaintenance,
  insertUpdateRow,
  servicesHeldElsewhere,
  setMaintenanceStatus,
  setScheduledUntil,
  windowNotifies,
} from './store.ts';

/** Who the timeline names for the updates the clock makes. */
const SCHEDULER: Actor = { kind: 'system', job: 'maintenance' };

type WriteContext = { actor: Actor; now: Date };

/**
 * Adds an update to a window's timeline; a new status starts or completes it, setting its
 * services as `planMaintenanceServiceChanges` says. Without a status the window keeps its own.
 * Audited as `maintenance.update`.
 */
async function applyMaintenanceUpdate(
  tx: Executor,
  id: number,
  input: { status?: MaintenanceStatus | undefined; message: string; notify?: boolean | undefined },
  ctx: WriteContext,
): Promise<{ updateId: number }> {
  const current = await loadMaintenance(tx, id);
  const to = input.status ?? current.status;
  assertMaintenanceTransition(current.status, to);
  const at = ctx.now.toISOString();
  if (to !== current.status) {
    const transition = to === 'in_progress' ? 'start' : current.status === 'in_progress' ? 'complete' : null;
    if (transition) {
      const services = await getServicesBySlug(
        tx,
        current.services.map((s) => s.slug),
      );
      const held = transition === 'complete' ? await servicesHeldElsewhere(tx, id) : new Set<string>();
      for (const change of planMaintenanceServiceChanges([...services.values()], transition, held)) {
        await setServiceStatus(tx, change.serviceId, change.to, ctx.now);
      }
    }
  }
  const notify = notifies(input.notify, await windowNotifies(tx, id));
  const updateId = await insertUpdateRow(tx, id, {
    status: to,
    event: maintenanceEvent(current.status, to),
    message: input.message,
    notify,
    author: actorLabel(ctx.actor),
    at,
  });
  await setMaintenanceStatus(tx, id, to, at);
  await recordAudit(
    tx,
    {
      actor: ctx.actor,
      action: 'maintenance.update',
      entity: 'maintenance',
      ref: makeRef('maintenance', id),
      before: { status: current.status },
      after: input,
    },
    ctx.now,
  );
  return { updateId };
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
    const at = now.toISOString();
    const found = await getServicesBySlug(tx, input.services);
    const unknown = input.services.filter((s) => !found.has(s));
    if (unknown.length > 0) {
      throw new ValidationError(
        `[Maintenance] Unknown service(s): ${unknown.join(', ')}. Name services by their slugs, as the service list shows them.`,
        unknown.map((slug) => ({ path: 'services', message: `no service "${slug}"` })),
      );
    }
    const notify = notifies(input.notify);
    const created = await insertMaintenance(tx, {
      title: input.title,
      scheduledFor: new Date(input.scheduledFor).toISOString(),
      scheduledUntil: new Date(input.scheduledUntil).toISOString(),
      notify,
      at,
    });
    await addMaintenanceServices(
      tx,
      created,
      [...found.values()].map((s) => s.id),
    );
    const updateId = await insertUpdateRow(tx, created, {
      status: 'scheduled',
      event: 'scheduled',
      message: input.message,
      notify,
      author: actorLabel(ctx.actor),
      at,
    });
    await recordAudit(tx, { actor: ctx.actor, action: 'maintenance.create', entity: 'maintenance', ref: makeRef('maintenance', created), after: input }, now);
    await ctx.notifier.maintenanceChanged(tx, { maintenanceId: created, updateId }, now);
    await catchUp(ctx, tx, created, now);
    return created;
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
    const current = await loadMaintenance(tx, id);
    assertExtension(current, input.scheduledUntil, now);
    const at = now.toISOString();
    const message = input.message ?? extendedMessage(input.scheduledUntil, ctx.messages);
    const notify = notifies(input.notify, await windowNotifies(tx, id));
    const updateId = await insertUpdateRow(tx, id, { status: current.status, event: 'extended', message, notify, author: actorLabel(ctx.actor), at });
    await setScheduledUntil(tx, id, new Date(input.scheduledUntil).toISOString(), at);
    await recordAudit(
      tx,
      {
        actor: ctx.actor,
        action: 'maintenance.extend',
        entity: 'maintenance',
        ref: makeRef('maintenance', id),
        before: { scheduledUntil: current.scheduledUntil },
        after: { scheduledUntil: input.scheduledUntil, message, notify: input.notify },
      },
      now,
    );
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
