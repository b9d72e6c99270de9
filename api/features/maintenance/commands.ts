/**
 * What can happen to a maintenance window, whoever asks (the admin API, a script, the
 * transitions job): each change is written in one transaction with its rules, its audit entry
 * and its notices, then the site is republished, and the window comes back as it now is.
 */
import type { Transaction } from '@libsql/client';
import { actorLabel, type Actor } from '../../shared/actor.ts';
import { ConflictError, ValidationError } from '../../shared/errors.ts';
import { refuseLeaks } from '../../shared/leak-guard.ts';
import { makeRef } from '../../shared/refs.ts';
import type {
  CreateMaintenanceInput,
  ExtendMaintenanceInput,
  Maintenance,
  PostMaintenanceUpdateInput,
  RescheduleMaintenanceInput,
  SetMaintenanceRemindersInput,
} from '../../shared/schemas.ts';
import type { MaintenanceStatus } from '../../shared/vocabulary.ts';
import { as, type CommandContext, type CommandDeps } from '../../platform/commands.ts';
import type { Executor } from '../../platform/db/client.ts';
import { republish } from '../../platform/republish.ts';
import { recordAudit } from '../audit/index.ts';
import { getServicesBySlug, setServiceStatus } from '../services/index.ts';
import { loadMaintenance, readMaintenance } from './queries.ts';
import type { MaintenanceRecord } from './schemas.ts';
import {
  assertExtension,
  assertMaintenanceTransition,
  assertReschedule,
  assertWindowAhead,
  automaticMessage,
  dueTransitions,
  extendedMessage,
  rescheduledMessage,
  maintenanceEvent,
  notifies,
  planMaintenanceServiceChanges,
} from './rules.ts';
import { replacePendingReminders } from './reminder-store.ts';
import { plannedReminders } from './reminders.ts';
import {
  addMaintenanceServices,
  bumpSequence,
  dueMaintenanceIds,
  insertMaintenance,
  insertUpdateRow,
  servicesHeldElsewhere,
  setMaintenanceStatus,
  setReminderMinutes,
  setScheduledUntil,
  setWindow,
  windowNotifies,
} from './store.ts';

/** Who the timeline names for the updates the clock makes. */
export const SCHEDULER: Actor = { kind: 'system', job: 'maintenance' };

type WriteContext = { actor: Actor; now: Date };

/**
 * Adds an update to a window's timeline; a new status starts or completes it, setting its
 * services as `planMaintenanceServiceChanges` says. Without a status the window keeps its own.
 * Audited as `maintenance.update`.
 */
export async function applyMaintenanceUpdate(
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
  // A cancelled window reads CANCELLED in calendars: a change they must take.
  if (maintenanceEvent(current.status, to) === 'cancelled') await bumpSequence(tx, id);
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
export async function catchUp(ctx: CommandContext, tx: Transaction, id: number, now: Date): Promise<number> {
  const current = await loadMaintenance(tx, id);
  const steps = dueTransitions(current, now);
  for (const status of steps) {
    const { updateId } = await applyMaintenanceUpdate(tx, id, { status, message: automaticMessage(status, ctx.messages) }, { actor: SCHEDULER, now });
    await ctx.notifier.maintenanceChanged(tx, { maintenanceId: id, updateId }, now);
  }
  return steps.length;
}

// Maintenance pages, the home page and the JSON are re-rendered on every publish.
export const republishSite = (ctx: CommandDeps) => republish(ctx, { incidents: [] });

/** What a new window is made of: from a comms lead's form, or from a recurring series' rule. */
export type NewWindow = {
  title: string;
  message: string;
  services: readonly string[];
  scheduledFor: string;
  scheduledUntil: string;
  notify?: boolean | undefined;
  reminderMinutes?: readonly number[] | undefined;
  series?: { id: number; index: number };
};

/** The services named by `slugs`; a ValidationError naming any unknown one. */
export async function knownServices(tx: Executor, slugs: readonly string[]) {
  const found = await getServicesBySlug(tx, [...slugs]);
  const unknown = slugs.filter((s) => !found.has(s));
  if (unknown.length > 0) {
    throw new ValidationError(
      `[Maintenance] Unknown service(s): ${unknown.join(', ')}. Name services by their slugs, as the service list shows them.`,
      unknown.map((slug) => ({ path: 'services', message: `no service "${slug}"` })),
    );
  }
  return found;
}

/**
 * Writes a new window inside the caller's transaction: its services, its first entry, its
 * reminders, its audit entry and its notices; a window whose start has passed is started.
 * @returns the new window's id.
 */
export async function openWindow(ctx: CommandContext, tx: Transaction, input: NewWindow, now: Date): Promise<number> {
  const at = now.toISOString();
  const found = await knownServices(tx, input.services);
  const notify = notifies(input.notify);
  const window = { scheduledFor: new Date(input.scheduledFor).toISOString(), scheduledUntil: new Date(input.scheduledUntil).toISOString() };
  const created = await insertMaintenance(tx, {
    title: input.title,
    ...window,
    notify,
    at,
    reminderMinutes: input.reminderMinutes,
    series: input.series ?? null,
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
  if (notify) await replacePendingReminders(tx, created, plannedReminders(window.scheduledFor, leadTimesOf(ctx, input.reminderMinutes), now));
  await recordAudit(tx, { actor: ctx.actor, action: 'maintenance.create', entity: 'maintenance', ref: makeRef('maintenance', created), after: input }, now);
  await ctx.notifier.maintenanceChanged(tx, { maintenanceId: created, updateId }, now);
  await catchUp(ctx, tx, created, now);
  return created;
}

/** A window's lead times: its own, or the setting's (24 h and 1 h unless MAINTENANCE_REMINDERS says otherwise). */
export const leadTimesOf = (ctx: Pick<CommandDeps, 'policy'>, own: readonly number[] | null | undefined): readonly number[] =>
  own ?? ctx.policy.maintenanceReminderMinutes ?? DEFAULT_REMINDER_MINUTES;

/** MAINTENANCE_REMINDERS' default: 24 hours and 1 hour before the start. */
export const DEFAULT_REMINDER_MINUTES: readonly number[] = [1440, 60];

/**
 * Schedules a window. One that would already be over is refused (422 `window_in_past`); one
 * whose start has already passed is started in the same write, so the answer never shows a
 * window the clock has already moved. (A recurring window: series-commands.ts.)
 */
export async function scheduleOneWindow(ctx: CommandContext, input: CreateMaintenanceInput): Promise<Maintenance> {
  const now = ctx.clock.now();
  assertWindowAhead(input.scheduledUntil, now);
  refuseLeaks({ title: input.title, message: input.message }, { acknowledged: input.acknowledgeWarnings });
  const id = await ctx.db.write((tx) => openWindow(ctx, tx, input, now));
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
    await bumpSequence(tx, id);
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
 * Moves a scheduled window to a new start and end (409 once started, 422 unless it ends
 * ahead), with a timeline entry and notices like any other update; its calendar SEQUENCE goes
 * up and its reminders are planned again from the new start.
 */
export async function rescheduleMaintenance(ctx: CommandContext, id: number, input: RescheduleMaintenanceInput): Promise<Maintenance> {
  if (input.message !== undefined) refuseLeaks({ message: input.message }, { acknowledged: input.acknowledgeWarnings });
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    const current = await loadMaintenance(tx, id);
    assertReschedule(current, input.scheduledUntil, now);
    const window = { scheduledFor: new Date(input.scheduledFor).toISOString(), scheduledUntil: new Date(input.scheduledUntil).toISOString() };
    await moveWindow(ctx, tx, current, window, { message: input.message, notify: input.notify }, now);
    await catchUp(ctx, tx, id, now);
  });
  await republishSite(ctx);
  return readMaintenance(ctx, id);
}

/**
 * Moves a scheduled window inside the caller's transaction: new times, a `rescheduled` entry
 * (notified as the window's other entries are, unless told), SEQUENCE up, reminders planned
 * again from the new start. Audited as `maintenance.reschedule`.
 */
export async function moveWindow(
  ctx: CommandContext,
  tx: Transaction,
  current: MaintenanceRecord,
  window: { scheduledFor: string; scheduledUntil: string },
  say: { message?: string | undefined; notify?: boolean | undefined },
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const message = say.message ?? rescheduledMessage(window, ctx.messages);
  const notify = notifies(say.notify, await windowNotifies(tx, current.id));
  const updateId = await insertUpdateRow(tx, current.id, { status: current.status, event: 'rescheduled', message, notify, author: actorLabel(ctx.actor), at });
  await setWindow(tx, current.id, window, at);
  await bumpSequence(tx, current.id);
  if (await windowNotifies(tx, current.id))
    await replacePendingReminders(tx, current.id, plannedReminders(window.scheduledFor, leadTimesOf(ctx, current.reminderMinutes), now));
  await recordAudit(
    tx,
    {
      actor: ctx.actor,
      action: 'maintenance.reschedule',
      entity: 'maintenance',
      ref: makeRef('maintenance', current.id),
      before: { scheduledFor: current.scheduledFor, scheduledUntil: current.scheduledUntil },
      after: { ...window, message, notify: say.notify },
    },
    now,
  );
  await ctx.notifier.maintenanceChanged(tx, { maintenanceId: current.id, updateId }, now);
}

/** Sets a scheduled window's own reminders (409 once started); those already sent stay sent. */
export async function setMaintenanceReminders(ctx: CommandContext, id: number, input: SetMaintenanceRemindersInput): Promise<Maintenance> {
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    const current = await loadMaintenance(tx, id);
    if (current.status !== 'scheduled') throw new ConflictError('[Maintenance] Reminders go out before a window starts; this one has started or ended.');
    await setReminderMinutes(tx, id, input.reminderMinutes);
    const planned = (await windowNotifies(tx, id)) ? plannedReminders(current.scheduledFor, input.reminderMinutes, now) : [];
    await replacePendingReminders(tx, id, planned);
    await recordAudit(
      tx,
      {
        actor: ctx.actor,
        action: 'maintenance.reminders',
        entity: 'maintenance',
        ref: makeRef('maintenance', id),
        before: { reminderMinutes: current.reminderMinutes },
        after: input,
      },
      now,
    );
  });
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
