import { calendarFor } from './calendar.ts';

const MINUTE = 60_000;

/** How long an incident has lasted: until it was resolved, or until `now` while open. */
export function incidentDuration(startedAt: Date, resolvedAt: Date | null, now: Date): number {
  return Math.max(0, (resolvedAt ?? now).getTime() - startedAt.getTime());
}

/**
 * A duration in words a customer reads at a glance.
 * @example formatDuration(83 * 60_000) // "1 h 23 min"
 * @example formatDuration(20_000) // "less than a minute"
 */
export function formatDuration(ms: number, units: DurationUnits = ENGLISH_UNITS): string {
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 1) return units.lessThanMinute;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts: string[] = [];
  const fill = (unit: string, n: number) => unit.replace('{n}', String(n));
  if (days) parts.push(fill(units.days, days));
  if (hours) parts.push(fill(units.hours, hours));
  if (rest) parts.push(fill(units.minutes, rest));
  return parts.join(' ');
}

/** The words of a duration, each unit with an `{n}`: the message catalogue gives other languages'. */
export type DurationUnits = { lessThanMinute: string; days: string; hours: string; minutes: string };
const ENGLISH_UNITS: DurationUnits = { lessThanMinute: 'less than a minute', days: '{n} d', hours: '{n} h', minutes: '{n} min' };

/**
 * "12 min ago", relative to `now`, for "updated … ago" beside a UTC time.
 * @example timeAgo(new Date('2026-01-01T12:00Z'), new Date('2026-01-01T12:12Z')) // "12 min ago"
 */
export function timeAgo(at: Date, now: Date): string {
  const ms = now.getTime() - at.getTime();
  if (ms < MINUTE) return 'just now';
  return `${formatDuration(ms)} ago`;
}

const BRITISH = calendarFor('en-GB');

/**
 * "14:32 UTC" for today, "27 Nov 14:32 UTC" otherwise: what the page shows before any script
 * converts it to the reader's zone.
 */
export function formatUtc(at: Date, now: Date, day: (at: Date) => string = BRITISH.day): string {
  const hhmm = at.toISOString().slice(11, 16);
  const sameDay = at.toISOString().slice(0, 10) === now.toISOString().slice(0, 10);
  if (sameDay) return `${hhmm} UTC`;
  return `${day(at)} ${hhmm} UTC`;
}
