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
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 1) return 'less than a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts: string[] = [];
  if (days) parts.push(`${days} d`);
  if (hours) parts.push(`${hours} h`);
  if (rest) parts.push(`${rest} min`);
  return parts.join(' ');
}

/**
 * "12 min ago", relative to `now`, for "updated … ago" beside a UTC time.
 * @example timeAgo(new Date('2026-01-01T12:00Z'), new Date('2026-01-01T12:12Z')) // "12 min ago"
 */
export function timeAgo(at: Date, now: Date): string {
  const ms = now.getTime() - at.getTime();
  if (ms < MINUTE) return 'just now';
  return `${formatDuration(ms)} ago`;
}

/** One formatter for every date (toLocaleDateString builds a new one per call: the slowest part of rendering a long list). */
const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/**
 * "14:32 UTC" for today, "27 Nov 14:32 UTC" otherwise: what the page shows before any script
 * converts it to the reader's zone.
 */
export function formatUtc(at: Date, now: Date): string {
  const hhmm = at.toISOString().slice(11, 16);
  const sameDay = at.toISOString().slice(0, 10) === now.toISOString().slice(0, 10);
  if (sameDay) return `${hhmm} UTC`;
  const day = DAY.format(at);
  return `${day} ${hhmm} UTC`;
}
