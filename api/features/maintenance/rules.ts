/**
 * Maintenance windows' pure rules: where a window stands at `now`, which transitions are due,
 * which a comms lead may make, and what each does to the affected services. No I/O, no clock.
 *
 * Choices (documented here because the product brief leaves them open):
 * - A window is in progress from `scheduledFor` inclusive to `scheduledUntil` exclusive: at
 *   exactly the start it has started, at exactly the end it is over.
 * - The comms lead may start a window early (work often begins before the announced time) and
 *   may complete it early, or complete a window that never started (called off). The job
 *   only moves windows forward, at their planned times.
 * - Completed is final: a completed window takes no further update (schedule a new one).
 * - In progress never goes back to scheduled.
 * - A window must end after `now` when it is scheduled or extended: a window that is already
 *   over would tell customers of work that has ended (422 `window_in_past`). Its start may
 *   have passed (work that began before it was announced): it is started at once.
 * - Extending only moves the end later; calling a window off early is completing it.
 */
import { ConflictError, ValidationError, WindowInPastError } from '../../shared/errors.ts';
import type { Maintenance } from '../../shared/schemas.ts';
import { ENGLISH, type Messages } from '../../shared/messages.ts';
import type { MaintenanceEvent, MaintenanceStatus, ServiceStatus } from '../../shared/vocabulary.ts';
import { makeRef } from '../../shared/refs.ts';
import type { MaintenanceRecord, MaintenanceWindow } from './schemas.ts';

export type { MaintenanceRecord, MaintenanceWindow };

/**
 * Where the planned window stands at `now`.
 * @example maintenanceStatusAt({ scheduledFor: '…T10:00Z', scheduledUntil: '…T12:00Z' }, new Date('…T10:00Z')) // 'in_progress'
 */
export function maintenanceStatusAt(window: MaintenanceWindow, now: Date): MaintenanceStatus {
  const t = now.getTime();
  if (t < Date.parse(window.scheduledFor)) return 'scheduled';
  if (t < Date.parse(window.scheduledUntil)) return 'in_progress';
  return 'completed';
}

const ORDER: Record<MaintenanceStatus, number> = { scheduled: 0, in_progress: 1, completed: 2 };

/**
 * The transitions the clock owes a window at `now`, in order: a window whose whole span has
 * passed while it was still scheduled is started and then completed, so its timeline says both.
 * @example dueTransitions({ status: 'scheduled', …window }, end) // ['in_progress', 'completed']
 */
export function dueTransitions(m: MaintenanceWindow & { status: MaintenanceStatus }, now: Date): ('in_progress' | 'completed')[] {
  const target = maintenanceStatusAt(m, now);
  return (['in_progress', 'completed'] as const).filter((s) => ORDER[s] > ORDER[m.status] && ORDER[s] <= ORDER[target]);
}

/** Throws ConflictError unless a comms lead may move a window from `from` to `to` (same status: a plain update). */
export function assertMaintenanceTransition(from: MaintenanceStatus, to: MaintenanceStatus): void {
  if (from === 'completed') {
    throw new ConflictError('[Maintenance] This maintenance is completed and takes no more updates; schedule a new one.');
  }
  if (ORDER[to] < ORDER[from]) {
    throw new ConflictError(`[Maintenance] A maintenance cannot go from ${from} back to ${to}; post an in_progress or completed update.`);
  }
}

const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * Throws WindowInPastError (422, naming `scheduledUntil`) unless the window ends after `now`.
 * @example assertWindowAhead('2026-03-10T11:00:00Z', new Date('2026-03-10T12:00:00Z')) // throws
 */
export function assertWindowAhead(scheduledUntil: string, now: Date): void {
  if (Date.parse(scheduledUntil) > now.getTime()) return;
  const message = `must be in the future: ${utc(new Date(scheduledUntil).toISOString())} has already passed`;
  throw new WindowInPastError(`[Maintenance] The window would already be over: scheduledUntil ${message}. Give an end after ${now.toISOString()}.`, [
    { path: 'scheduledUntil', message },
  ]);
}

/**
 * Throws unless a window may be extended to `until` at `now`: not completed (409), a later end
 * than it has (400), and an end still ahead (422).
 */
export function assertExtension(m: MaintenanceWindow & { status: MaintenanceStatus }, until: string, now: Date): void {
  if (m.status === 'completed') throw new ConflictError('[Maintenance] This maintenance is completed and cannot be extended; schedule a new one.');
  if (Date.parse(until) <= Date.parse(m.scheduledUntil)) {
    throw new ValidationError(`[Maintenance] An extension must end later than the window does now (${m.scheduledUntil}).`, [
      { path: 'scheduledUntil', message: `must be later than the current end, ${utc(m.scheduledUntil)}` },
    ]);
  }
  assertWindowAhead(until, now);
}

/**
 * Throws unless a window may be moved to end at `until` at `now`: still scheduled (409: a
 * started window is extended, not moved) and ending ahead (422).
 */
export function assertReschedule(m: { status: MaintenanceStatus }, until: string, now: Date): void {
  if (m.status !== 'scheduled')
    throw new ConflictError('[Maintenance] Only a window that has not started can be moved; extend a window in progress instead, or schedule a new one.');
  assertWindowAhead(until, now);
}

/** The timeline's words for a move posted without a message, in the site's language. */
export const rescheduledMessage = (w: MaintenanceWindow, messages: Messages = ENGLISH) =>
  messages.t('maintenance.auto.rescheduled', { from: utc(new Date(w.scheduledFor).toISOString()), until: utc(new Date(w.scheduledUntil).toISOString()) });

/** The timeline's words for a reminder, in the site's language: "starts in 1 h, at 2026-03-10 22:00 UTC". */
export const reminderMessage = (scheduledFor: string, minutesBefore: number, messages: Messages = ENGLISH) =>
  messages.t('maintenance.auto.reminder', { lead: messages.duration(minutesBefore * 60_000), from: utc(new Date(scheduledFor).toISOString()) });

/**
 * What a timeline entry moving a window from `from` to `to` did: a completion of a window that
 * never started calls it off.
 * @example maintenanceEvent('scheduled', 'completed') // 'cancelled'
 */
export function maintenanceEvent(from: MaintenanceStatus, to: MaintenanceStatus): MaintenanceEvent {
  if (from === to) return 'updated';
  if (to === 'in_progress') return 'started';
  return from === 'in_progress' ? 'ended' : 'cancelled';
}

/** The timeline's words for an extension posted without a message, in the site's language. */
export const extendedMessage = (until: string, messages: Messages = ENGLISH) =>
  messages.t('maintenance.auto.extended', { until: utc(new Date(until).toISOString()) });

export type MaintenanceServiceChange = { serviceId: number; slug: string; from: ServiceStatus; to: ServiceStatus };

/**
 * What a transition does to the affected services. Starting puts each operational one under
 * maintenance (a worse status, set by an incident, is left showing). Completing brings each one
 * still under maintenance back to operational, unless an open incident or another window in
 * progress holds it.
 */
export function planMaintenanceServiceChanges(
  services: readonly { id: number; slug: string; status: ServiceStatus }[],
  transition: 'start' | 'complete',
  heldElsewhere: ReadonlySet<string>,
): MaintenanceServiceChange[] {
  const changes: MaintenanceServiceChange[] = [];
  for (const s of services) {
    if (transition === 'start' && s.status === 'operational') {
      changes.push({ serviceId: s.id, slug: s.slug, from: s.status, to: 'under_maintenance' });
    }
    if (transition === 'complete' && s.status === 'under_maintenance' && !heldElsewhere.has(s.slug)) {
      changes.push({ serviceId: s.id, slug: s.slug, from: s.status, to: 'operational' });
    }
  }
  return changes;
}

/** Shapes a stored window for readers: its permalink, updates newest first. */
export function toMaintenance(record: MaintenanceRecord, site: { publicUrl: string }): Maintenance {
  const ref = makeRef('maintenance', record.id);
  return {
    ref,
    url: `${site.publicUrl}/maintenance/${ref}`,
    title: record.title,
    status: record.status,
    services: record.services,
    scheduledFor: record.scheduledFor,
    scheduledUntil: record.scheduledUntil,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    startedAt: record.startedAt,
    completedAt: record.completedAt,
    sequence: record.sequence,
    reminderMinutes: record.reminderMinutes,
    reminders: record.reminders,
    series: record.series ? { id: record.series.id, occurrence: record.series.index } : null,
    updates: [...record.updates].reverse(),
  };
}

/** The words the transitions job posts on a window's timeline, in the site's language. */
export const automaticMessage = (status: 'in_progress' | 'completed', messages: Messages = ENGLISH): string => messages.t(`maintenance.auto.${status}`);

/**
 * An entry's word for customers, where a status word fits (a mail's subject, an entry's
 * heading): what it did (the catalogue's `maintenance.entry.<event>`), or for a plain update the
 * window's status then.
 * @example maintenanceEntryLabel({ event: 'cancelled', status: 'completed' }) // 'Cancelled'
 */
export const maintenanceEntryLabel = (u: { event: MaintenanceEvent; status: MaintenanceStatus }, messages: Messages = ENGLISH): string =>
  u.event === 'updated' ? messages.t(`maintenance.status.${u.status}`) : messages.t(`maintenance.entry.${u.event}`);

/**
 * A window's status for customers: a window completed without ever starting was called off.
 * @example maintenanceStateLabel({ status: 'completed', startedAt: null }) // 'Cancelled'
 */
export const maintenanceStateLabel = (m: { status: MaintenanceStatus; startedAt: string | null }, messages: Messages = ENGLISH): string =>
  m.status === 'completed' && m.startedAt === null ? messages.t('maintenance.entry.cancelled') : messages.t(`maintenance.status.${m.status}`);

/**
 * Subscribers hear of planned work unless the comms lead says not to: a window notifies by
 * default, and its later updates follow what was chosen when it was scheduled.
 * @example notifies(undefined, true) // true
 */
export const notifies = (asked: boolean | undefined, windowDefault = true): boolean => asked ?? windowDefault;
