/** Pure rules of subscriptions, with an injected `now`. */

/**
 * How long a chat or webhook target may keep failing before it is paused: a day. A receiver
 * down for a night is caught up by the retries; one that fails a whole day is broken, and its
 * contact is told once instead of it being retried for ever.
 */
export const PAUSE_AFTER_FAILING_MS = 24 * 60 * 60 * 1000;

/**
 * The latest start of a run of failures that pauses a target at `now`: a target whose first
 * failure since its last success is at or before it, and that fails again now, is paused.
 * @example pauseFailingSince(new Date('2026-03-11T12:00:00Z')) // 2026-03-10T12:00:00.000Z
 */
export const pauseFailingSince = (now: Date): Date => new Date(now.getTime() - PAUSE_AFTER_FAILING_MS);
