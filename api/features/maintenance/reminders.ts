/**
 * Reminders before a maintenance window starts: which are planned when a window is scheduled
 * or moved, and which one to send when the job finds some due. Pure, with an injected `now`.
 *
 * Choices:
 * - A reminder whose time has already come when the window is scheduled (or moved) is never
 *   planned: a window scheduled 30 minutes ahead gets no "starts in 1 hour".
 * - When several are due at once (the job was not running), only the one closest to the start
 *   goes out; the others are skipped: two reminders in a row say nothing the second does not.
 * - Once the window has started, been cancelled or its start has passed, none goes out.
 */
import type { MaintenanceStatus } from '../../shared/vocabulary.ts';
import type { PendingReminder, PlannedReminder } from './schemas.ts';

export type { PendingReminder, PlannedReminder };

/**
 * The reminders of a window starting at `scheduledFor`, for lead times `minutes`, planned at
 * `now`: only those still ahead.
 * @example plannedReminders('2026-03-10T12:00:00Z', [1440, 60], new Date('2026-03-10T11:30:00Z')) // []
 * @example plannedReminders('2026-03-10T12:00:00Z', [60], new Date('2026-03-10T10:00:00Z')) // [{ minutesBefore: 60, dueAt: '2026-03-10T11:00:00.000Z' }]
 */
export function plannedReminders(scheduledFor: string, minutes: readonly number[], now: Date): PlannedReminder[] {
  const start = Date.parse(scheduledFor);
  return minutes.map((m) => ({ minutesBefore: m, dueAt: new Date(start - m * 60_000).toISOString() })).filter((r) => Date.parse(r.dueAt) > now.getTime());
}

/**
 * Of a window's pending reminders due at `now`, the one to send (or none) and those to skip.
 * @example reminderToSend({ status: 'scheduled', scheduledFor: '…T12:00Z' }, [a24h, a1h], at1105) // { send: a1h, skip: [a24h] }
 */
export function reminderToSend(
  window: { status: MaintenanceStatus; scheduledFor: string },
  due: readonly PendingReminder[],
  now: Date,
): { send: PendingReminder | null; skip: PendingReminder[] } {
  const sorted = [...due].filter((r) => Date.parse(r.dueAt) <= now.getTime()).sort((a, b) => a.minutesBefore - b.minutesBefore);
  const startsLater = window.status === 'scheduled' && Date.parse(window.scheduledFor) > now.getTime();
  if (!startsLater || sorted.length === 0) return { send: null, skip: sorted };
  const [send, ...skip] = sorted as [PendingReminder, ...PendingReminder[]];
  return { send, skip };
}
