import { MAX_UPDATE_INTERVAL_MINUTES } from '../../shared/vocabulary.ts';

const MINUTE = 60_000;

/**
 * When the next public update is due: the sooner of the time the last update promised and
 * `lastUpdateAt` + the cadence (30 minutes by the plan, configurable downwards).
 *
 * @example nextUpdateDue(new Date('2026-01-01T12:00Z'), null) // 12:30Z
 * @example nextUpdateDue(new Date('2026-01-01T12:00Z'), new Date('2026-01-01T12:10Z')) // 12:10Z
 */
export function nextUpdateDue(lastUpdateAt: Date, promisedAt: Date | null, intervalMinutes: number = MAX_UPDATE_INTERVAL_MINUTES): Date {
  const cadence = new Date(lastUpdateAt.getTime() + Math.min(intervalMinutes, MAX_UPDATE_INTERVAL_MINUTES) * MINUTE);
  return promisedAt && promisedAt < cadence ? promisedAt : cadence;
}

/** Overdue from the instant the deadline arrives: 29:59 is not, 30:00 is. */
export function isOverdue(dueAt: Date, now: Date): boolean {
  return now.getTime() >= dueAt.getTime();
}

export type Freshness = {
  lastUpdateAt: Date;
  nextUpdateDueAt: Date;
  overdue: boolean;
  /** Negative once overdue. */
  msUntilDue: number;
};

/** Everything a page or the admin needs to know about an open incident's cadence at `now`. */
export function freshness(lastUpdateAt: Date, promisedAt: Date | null, now: Date, intervalMinutes: number = MAX_UPDATE_INTERVAL_MINUTES): Freshness {
  const nextUpdateDueAt = nextUpdateDue(lastUpdateAt, promisedAt, intervalMinutes);
  return {
    lastUpdateAt,
    nextUpdateDueAt,
    overdue: isOverdue(nextUpdateDueAt, now),
    msUntilDue: nextUpdateDueAt.getTime() - now.getTime(),
  };
}

/**
 * The time an update promises the next one by: `nextUpdateInMinutes` after it is posted,
 * never beyond the cadence.
 */
export function promisedNextUpdate(postedAt: Date, nextUpdateInMinutes: number | undefined, intervalMinutes: number): Date {
  const minutes = Math.min(nextUpdateInMinutes ?? intervalMinutes, intervalMinutes, MAX_UPDATE_INTERVAL_MINUTES);
  return new Date(postedAt.getTime() + minutes * MINUTE);
}
