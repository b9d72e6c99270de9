/**
 * Recurring maintenance: a series is a rule (weekly or monthly, with an end) from which the
 * maintenance job makes occurrences ahead, each a window of its own with its own MNT-n, page,
 * reminders and notices. Editing or cancelling a series changes its occurrences that have not
 * started; those in progress or over are left as they are.
 */
import type { Transaction } from '@libsql/client';
import { actorLabel } from '../../shared/actor.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { refuseLeaks } from '../../shared/leak-guard.ts';
import { ENGLISH } from '../../shared/messages.ts';
import { makeRef } from '../../shared/refs.ts';
import type {
  CancelMaintenanceSeriesInput,
  CreateMaintenanceInput,
  Maintenance,
  MaintenanceSeries,
  Recurrence,
  UpdateMaintenanceSeriesInput,
} from '../../shared/schemas.ts';
import { as, type CommandContext, type CommandDeps } from '../../platform/commands.ts';
import { recordAudit } from '../audit/index.ts';
import { applyMaintenanceUpdate, knownServices, leadTimesOf, moveWindow, openWindow, republishSite, SCHEDULER, scheduleOneWindow } from './commands.ts';
import { loadMaintenance, readMaintenance } from './queries.ts';
import { occurrencesDue, occurrenceWindow, withinEnd, type SeriesRule } from './recurrence.ts';
import { replacePendingReminders } from './reminder-store.ts';
import { plannedReminders } from './reminders.ts';
import { assertWindowAhead, notifies } from './rules.ts';
import {
  activeSeriesIds,
  findSeries,
  insertSeries,
  markSeriesCancelled,
  nextOccurrenceIndex,
  occurrencesOf,
  updateSeriesRow,
  type SeriesRecord,
} from './series-store.ts';
import { bumpSequence, setReminderMinutes, setTitle } from './store.ts';

const MINUTE = 60_000;

async function loadSeries(db: CommandDeps['db'] | Transaction, id: number): Promise<SeriesRecord> {
  const found = await findSeries(db, id);
  if (!found) throw new NotFoundError(`[Maintenance] No maintenance series ${id}. A window's "series" field names its series.`);
  return found;
}

/**
 * Schedules a window, or with `recurrence` a series whose first occurrence it is: the
 * occurrences due now (those within 30 days, and the next one) are created in the same write.
 * Answers the first occurrence.
 */
export async function scheduleMaintenance(ctx: CommandContext, input: CreateMaintenanceInput): Promise<Maintenance> {
  if (!input.recurrence) return scheduleOneWindow(ctx, input);
  const recurrence: Recurrence = input.recurrence;
  const now = ctx.clock.now();
  assertWindowAhead(input.scheduledUntil, now);
  if (recurrence.until !== undefined && Date.parse(recurrence.until) < Date.parse(input.scheduledFor)) {
    throw new ValidationError('[Maintenance] A series must not end before its first occurrence starts.', [
      { path: 'recurrence.until', message: 'must be at or after scheduledFor' },
    ]);
  }
  refuseLeaks({ title: input.title, message: input.message }, { acknowledged: input.acknowledgeWarnings });
  const first = await ctx.db.write(async (tx) => {
    const found = await knownServices(tx, input.services);
    const firstStart = new Date(input.scheduledFor).toISOString();
    const seriesId = await insertSeries(
      tx,
      {
        title: input.title,
        message: input.message,
        frequency: recurrence.frequency,
        every: recurrence.every,
        firstStart,
        durationMinutes: Math.round((Date.parse(input.scheduledUntil) - Date.parse(input.scheduledFor)) / MINUTE),
        until: recurrence.until === undefined ? null : new Date(recurrence.until).toISOString(),
        count: recurrence.count ?? null,
        reminderMinutes: input.reminderMinutes ?? null,
        notify: notifies(input.notify),
        author: actorLabel(ctx.actor),
        createdAt: now.toISOString(),
      },
      [...found.values()].map((s) => s.id),
    );
    await recordAudit(tx, { actor: ctx.actor, action: 'maintenance.series.create', entity: 'maintenance', ref: `series-${seriesId}`, after: input }, now);
    const created = await createOccurrences(ctx, tx, seriesId, now);
    return created[0] as number;
  });
  await republishSite(ctx);
  return readMaintenance(ctx, first);
}

/** Creates the occurrences of `seriesId` due at `now`, inside the caller's transaction. @returns their ids. */
async function createOccurrences(ctx: CommandContext, tx: Transaction, seriesId: number, now: Date): Promise<number[]> {
  const series = await loadSeries(tx, seriesId);
  if (series.cancelledAt) return [];
  const ids: number[] = [];
  for (const index of occurrencesDue(series, await nextOccurrenceIndex(tx, seriesId), now)) {
    const window = occurrenceWindow(series, index);
    ids.push(
      await openWindow(
        ctx,
        tx,
        {
          title: series.title,
          message: series.message,
          services: series.services,
          ...window,
          notify: series.notify,
          reminderMinutes: series.reminderMinutes ?? undefined,
          series: { id: seriesId, index },
        },
        now,
      ),
    );
  }
  return ids;
}

/**
 * Creates every series' occurrences due at the clock's now, each series in its own write, as
 * the scheduler (the maintenance job). Two processes doing it at once create each occurrence
 * once: the write re-reads the last occurrence, and a unique index refuses a second.
 * @returns the references of the windows created.
 */
export async function createDueOccurrences(deps: CommandDeps): Promise<string[]> {
  const ctx = as(deps, SCHEDULER);
  const now = ctx.clock.now();
  const created: string[] = [];
  for (const seriesId of await activeSeriesIds(ctx.db)) {
    const ids = await ctx.db.write((tx) => createOccurrences(ctx, tx, seriesId, now));
    created.push(...ids.map((id) => makeRef('maintenance', id)));
  }
  return created;
}

/** Occurrences a change to the series may still change: not started, start ahead. */
const changeable = (o: { status: string; scheduledFor: string }, now: Date) => o.status === 'scheduled' && Date.parse(o.scheduledFor) > now.getTime();

/**
 * Changes a series: its title, duration, reminders or end. Occurrences not yet started follow
 * (a new title or duration bumps their calendar SEQUENCE; a new duration is announced as a
 * move); those past a new end are cancelled; an end moved later lets the job create more.
 */
export async function updateMaintenanceSeries(ctx: CommandContext, id: number, input: UpdateMaintenanceSeriesInput): Promise<MaintenanceSeries> {
  if (input.title !== undefined) refuseLeaks({ title: input.title }, {});
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    const before = await loadSeries(tx, id);
    if (before.cancelledAt) throw new ValidationError('[Maintenance] This series is cancelled; schedule a new one.', [{ path: 'id', message: 'cancelled' }]);
    const after: SeriesRecord = {
      ...before,
      title: input.title ?? before.title,
      durationMinutes: input.durationMinutes ?? before.durationMinutes,
      reminderMinutes: input.reminderMinutes === undefined ? before.reminderMinutes : input.reminderMinutes,
      until: input.until === undefined ? before.until : input.until === null ? null : new Date(input.until).toISOString(),
      count: input.count === undefined ? before.count : input.count,
    };
    await updateSeriesRow(tx, id, after, now.toISOString());
    for (const o of await occurrencesOf(tx, id)) {
      if (!changeable(o, now)) continue;
      if (!withinEnd(after, o.index)) {
        await cancelOccurrence(ctx, tx, o.id, wordsOf(ctx).t('maintenance.auto.seriesEnded'), undefined, now);
        continue;
      }
      if (after.title !== o.title) {
        await setTitle(tx, o.id, after.title, now.toISOString());
        await bumpSequence(tx, o.id);
      }
      if (after.durationMinutes !== before.durationMinutes) {
        const window = occurrenceWindow(after as SeriesRule, o.index);
        await moveWindow(ctx, tx, await loadMaintenance(tx, o.id), window, {}, now);
      }
      if (input.reminderMinutes !== undefined) {
        await setReminderMinutes(tx, o.id, input.reminderMinutes);
        if (after.notify) await replacePendingReminders(tx, o.id, plannedReminders(o.scheduledFor, leadTimesOf(ctx, input.reminderMinutes), now));
      }
    }
    await recordAudit(tx, { actor: ctx.actor, action: 'maintenance.series.update', entity: 'maintenance', ref: `series-${id}`, before, after: input }, now);
    await createOccurrences(ctx, tx, id, now);
  });
  await republishSite(ctx);
  return readSeries(ctx, id);
}

/** Cancels a series: no more occurrences, and each one not yet started is cancelled (notified unless told not to). */
export async function cancelMaintenanceSeries(ctx: CommandContext, id: number, input: CancelMaintenanceSeriesInput): Promise<MaintenanceSeries> {
  if (input.message !== undefined) refuseLeaks({ message: input.message }, { acknowledged: input.acknowledgeWarnings });
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    const series = await loadSeries(tx, id);
    if (series.cancelledAt) return;
    await markSeriesCancelled(tx, id, now.toISOString());
    const message = input.message ?? wordsOf(ctx).t('maintenance.auto.seriesCancelled');
    for (const o of await occurrencesOf(tx, id)) {
      if (o.status === 'scheduled') await cancelOccurrence(ctx, tx, o.id, message, input.notify, now);
    }
    await recordAudit(tx, { actor: ctx.actor, action: 'maintenance.series.cancel', entity: 'maintenance', ref: `series-${id}`, after: input }, now);
  });
  await republishSite(ctx);
  return readSeries(ctx, id);
}

/** The words Herald writes on a timeline, in the site's language. */
const wordsOf = (ctx: CommandDeps) => ctx.messages ?? ENGLISH;

async function cancelOccurrence(ctx: CommandContext, tx: Transaction, id: number, message: string, notify: boolean | undefined, now: Date): Promise<void> {
  const { updateId } = await applyMaintenanceUpdate(tx, id, { status: 'completed', message, notify }, { actor: ctx.actor, now });
  await ctx.notifier.maintenanceChanged(tx, { maintenanceId: id, updateId }, now);
}

/** A series with its occurrences so far; NotFoundError when there is none. */
export async function readSeries(deps: Pick<CommandDeps, 'db'>, id: number): Promise<MaintenanceSeries> {
  const s = await loadSeries(deps.db, id);
  return {
    id: s.id,
    title: s.title,
    message: s.message,
    services: s.services,
    frequency: s.frequency,
    every: s.every,
    firstStart: s.firstStart,
    durationMinutes: s.durationMinutes,
    until: s.until,
    count: s.count,
    reminderMinutes: s.reminderMinutes,
    notify: s.notify,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    cancelledAt: s.cancelledAt,
    occurrences: (await occurrencesOf(deps.db, id)).map((o) => ({
      ref: makeRef('maintenance', o.id),
      occurrence: o.index,
      scheduledFor: o.scheduledFor,
      scheduledUntil: o.scheduledUntil,
      status: o.status,
    })),
  };
}
