/**
 * Recurring windows' pure rules: when each occurrence of a series starts, which occurrences
 * the job owes at `now`, and which are past the series' end. All in UTC.
 *
 * Choices:
 * - Occurrence n starts `n × every` weeks or months after the first, at the same UTC time. A
 *   monthly series started on the 31st falls on the last day of shorter months.
 * - Occurrences are created ahead: every one starting within SERIES_AHEAD_DAYS, and always the
 *   next one, so a series every 3 months still shows what comes next.
 * - An occurrence that would already be over when it is due to be created (a series whose first
 *   start has passed) is not created.
 * - `until` is inclusive of an occurrence starting exactly then; `count` counts occurrences
 *   from the first (created or not).
 */
import type { Frequency, SeriesRule } from './schemas.ts';

export type { Frequency, SeriesRule };

/** How far ahead the job creates occurrences. */
export const SERIES_AHEAD_DAYS = 30;
/** The most occurrences one pass creates for a series (a weekly series 30 days ahead needs 5). */
const MOST_PER_PASS = 60;

const DAY = 86_400_000;

/**
 * When occurrence `index` (0: the first) starts.
 * @example occurrenceStart({ frequency: 'monthly', every: 1, firstStart: '2026-01-31T02:00:00.000Z', … }, 1).toISOString() // '2026-02-28T02:00:00.000Z'
 */
export function occurrenceStart(rule: Pick<SeriesRule, 'frequency' | 'every' | 'firstStart'>, index: number): Date {
  const first = new Date(rule.firstStart);
  if (rule.frequency === 'weekly') return new Date(first.getTime() + index * rule.every * 7 * DAY);
  const months = first.getUTCMonth() + index * rule.every;
  const year = first.getUTCFullYear() + Math.floor(months / 12);
  const month = ((months % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(year, month, Math.min(first.getUTCDate(), lastDay), first.getUTCHours(), first.getUTCMinutes(), first.getUTCSeconds(), first.getUTCMilliseconds()),
  );
}

/** Occurrence `index`'s planned window. */
export function occurrenceWindow(rule: SeriesRule, index: number): { scheduledFor: string; scheduledUntil: string } {
  const start = occurrenceStart(rule, index);
  return { scheduledFor: start.toISOString(), scheduledUntil: new Date(start.getTime() + rule.durationMinutes * 60_000).toISOString() };
}

/**
 * Whether occurrence `index` is within the series' end.
 * @example withinEnd({ count: 4, until: null, … }, 4) // false
 */
export function withinEnd(rule: SeriesRule, index: number): boolean {
  if (rule.count !== null && index >= rule.count) return false;
  if (rule.until !== null && occurrenceStart(rule, index).getTime() > Date.parse(rule.until)) return false;
  return true;
}

/**
 * The occurrences to create at `now`, from `nextIndex` (the one after the last created) on:
 * each starting within SERIES_AHEAD_DAYS (and the next one whatever its distance), within the
 * series' end, and not already over.
 * @example occurrencesDue(weeklyFromMonday, 0, monday) // [0, 1, 2, 3, 4]
 */
export function occurrencesDue(rule: SeriesRule, nextIndex: number, now: Date): number[] {
  const horizon = now.getTime() + SERIES_AHEAD_DAYS * DAY;
  const due: number[] = [];
  let upcoming = false;
  for (let i = nextIndex; due.length < MOST_PER_PASS && withinEnd(rule, i); i++) {
    const window = occurrenceWindow(rule, i);
    const start = Date.parse(window.scheduledFor);
    if (start > horizon && upcoming) break;
    if (Date.parse(window.scheduledUntil) <= now.getTime()) continue;
    due.push(i);
    if (start > now.getTime()) upcoming = true;
  }
  return due;
}
