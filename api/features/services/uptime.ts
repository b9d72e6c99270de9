/**
 * A service's uptime over the last 90 days, day by day, from its status intervals. Pure: the
 * changes and incidents are loaded by api/features/services/uptime-store.ts, `now` is injected.
 *
 * How a minute counts (Statuspage's convention, with degraded performance made visible):
 *
 * | status                 | counts as downtime |
 * |------------------------|--------------------|
 * | `major_outage`         | 100 % (fully)      |
 * | `partial_outage`       | 30 %               |
 * | `degraded_performance` | 10 %               |
 * | `under_maintenance`    | 0 % (not at all)   |
 * | `operational`          | 0 %                |
 *
 * Maintenance never counts against uptime: the window was announced. Time before the service
 * existed is not measured at all: such days are "no data" and left out of the percentage.
 * Days are UTC days; today runs up to `now`, so an open outage counts until now.
 */
import { ENGLISH, type Messages } from '../../shared/messages.ts';
import type { ServiceStatus } from '../../shared/vocabulary.ts';
import type { IncidentSpan, StatusChange } from './schemas.ts';

export const UPTIME_DAYS = 90;

/** The share of a minute in each status that counts as downtime (see the table above). */
export const DOWNTIME_WEIGHT: Readonly<Record<ServiceStatus, number>> = {
  major_outage: 1,
  partial_outage: 0.3,
  degraded_performance: 0.1,
  under_maintenance: 0,
  operational: 0,
};

export type { IncidentSpan, StatusChange };

export type UptimeInput = {
  /** When the service was created: days before it are "no data". */
  createdAt: string;
  /** Its status now: its status all along when no change is recorded in the window. */
  status: ServiceStatus;
  /** Changes in the window (any order); earlier ones only set the status at the window's start. */
  changes: readonly StatusChange[];
  incidents: readonly IncidentSpan[];
  now: Date;
  days?: number;
  /** The words of the labels (the site's catalogue); English as shipped when absent. */
  messages?: Messages;
};

/** How a day is drawn: its worst status, or `none` before the service existed. */
export type DayLevel = 'none' | 'ok' | 'degraded' | 'partial' | 'major';

export type UptimeDay = {
  /** YYYY-MM-DD (UTC). */
  date: string;
  level: DayLevel;
  /** What a reader hears and sees on focus: "3 Nov 2026: partial outage 42 min — INC-17". */
  label: string;
};

export type Uptime = {
  /** Oldest first, today last. */
  days: UptimeDay[];
  /** "99.95", rounded down so that any downtime shows below 100.00; null when nothing was measured yet. */
  percent: string | null;
};

const DAY_MS = 86_400_000;
/** Worst first: the order a day's statuses are told in. */
const COUNTED = ['major_outage', 'partial_outage', 'degraded_performance'] as const;
const LEVEL: Record<(typeof COUNTED)[number], DayLevel> = { major_outage: 'major', partial_outage: 'partial', degraded_performance: 'degraded' };

/** The start (UTC midnight) of the oldest day shown at `now`: what the data layer loads from. */
export function uptimeWindowStart(now: Date, days = UPTIME_DAYS): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (days - 1) * DAY_MS);
}

/** The next UTC midnight after `now`: when every uptime bar moves one day. */
export function nextUptimeRollover(now: Date): Date {
  return new Date(uptimeWindowStart(now, 1).getTime() + DAY_MS);
}

/**
 * The service's days and its uptime percentage.
 * @example computeUptime({ createdAt: '2026-01-01T00:00:00Z', status: 'operational', changes: [
 *   { at: '2026-03-10T10:00:00Z', from: 'operational', to: 'partial_outage' },
 *   { at: '2026-03-10T10:42:00Z', from: 'partial_outage', to: 'operational' }],
 *   incidents: [{ ref: 'INC-17', startedAt: '2026-03-10T10:00:00Z', resolvedAt: '2026-03-10T10:42:00Z' }],
 *   now: new Date('2026-03-10T12:00:00Z') }).days.at(-1)?.label
 * // "10 Mar 2026: partial outage 42 min — INC-17"
 */
export function computeUptime(input: UptimeInput): Uptime {
  return measure(input).uptime;
}

/**
 * `computeUptime` that remembers each service's days between publishes, for a page of many
 * services: 200 services are 18,000 labelled days, most of a publish when made anew each time.
 * Exact, not approximate: while a service's status weighs nothing (operational, maintenance)
 * and its history, the day and the language are unchanged, the days are the same and only the
 * measured time grows with the clock, so only the percentage is worked out again. A service
 * that is down now is computed afresh every time (its minutes grow).
 */
export function createUptimeMemo(): (slug: string, input: UptimeInput) => Uptime {
  const kept = new Map<string, { key: string; at: number; result: Measured }>();
  return (slug, input) => {
    const now = input.now.getTime();
    // Today is measured from the later of midnight and the service's creation: it must have begun.
    if (DOWNTIME_WEIGHT[input.status] !== 0 || Date.parse(input.createdAt) >= now) {
      kept.delete(slug);
      return computeUptime(input);
    }
    const day = uptimeWindowStart(input.now, 1).getTime();
    const key = JSON.stringify([day, input.days ?? UPTIME_DAYS, input.createdAt, input.status, input.changes, input.incidents, input.messages?.lang ?? 'en']);
    const hit = kept.get(slug);
    if (hit && hit.key === key && now >= hit.at) return { days: hit.result.uptime.days, percent: percentOf(hit.result.measured + (now - hit.at), hit.result.down) };
    const result = measure(input);
    kept.set(slug, { key, at: now, result });
    return result.uptime;
  };
}

type Measured = { uptime: Uptime; measured: number; down: number };

function measure(input: UptimeInput): Measured {
  const days = input.days ?? UPTIME_DAYS;
  const { t, date: formatDate, duration } = input.messages ?? ENGLISH;
  const now = input.now.getTime();
  const start = uptimeWindowStart(input.now, days).getTime();
  const created = Date.parse(input.createdAt);
  const segments = statusSegments(input, start, now);
  const spans = input.incidents.map((i) => ({ ref: i.ref, from: Date.parse(i.startedAt), to: i.resolvedAt ? Date.parse(i.resolvedAt) : now }));

  let measured = 0;
  let down = 0;
  const result: UptimeDay[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY_MS;
    const dayEnd = Math.min(dayStart + DAY_MS, now);
    const from = Math.max(dayStart, created);
    const date = new Date(dayStart);
    const name = formatDate(date);
    if (from >= dayEnd) {
      result.push({ date: date.toISOString().slice(0, 10), level: 'none', label: t('uptime.noData', { date: name }) });
      continue;
    }
    const ms: Record<string, number> = {};
    for (const s of segments) {
      const overlap = Math.min(s.to, dayEnd) - Math.max(s.from, from);
      if (overlap <= 0 || DOWNTIME_WEIGHT[s.status] === 0) continue;
      ms[s.status] = (ms[s.status] ?? 0) + overlap;
      down += overlap * DOWNTIME_WEIGHT[s.status];
    }
    measured += dayEnd - from;
    const counted = COUNTED.filter((status) => ms[status]);
    const refs = spans
      .filter((s) => s.from < dayEnd && s.to >= dayStart)
      .map((s) => s.ref)
      .sort((a, b) => refNumber(a) - refNumber(b));
    const what = counted.length
      ? counted.map((status) => t('uptime.downtime', { status: t(`uptime.status.${status}`), duration: duration(ms[status] as number) })).join(', ')
      : t('uptime.noDowntime');
    result.push({
      date: date.toISOString().slice(0, 10),
      level: counted[0] ? LEVEL[counted[0]] : 'ok',
      label: refs.length ? t('uptime.dayIncidents', { date: name, what, refs: [...new Set(refs)].join(', ') }) : t('uptime.day', { date: name, what }),
    });
  }
  return { uptime: { days: result, percent: percentOf(measured, down) }, measured, down };
}

const percentOf = (measured: number, down: number): string | null => (measured > 0 ? formatPercent(measured, down) : null);

/** Uptime as a percentage with two decimals, rounded down: 100.00 only without any downtime. */
function formatPercent(measured: number, down: number): string {
  if (down <= 0) return '100.00';
  // The epsilon keeps a float just under an exact hundredth (99.95 stored as 99.9499…) from losing it.
  const hundredths = Math.floor(((measured - down) * 10_000) / measured + 1e-9);
  return (Math.min(hundredths, 9_999) / 100).toFixed(2);
}

type Segment = { from: number; to: number; status: ServiceStatus };

/** The service's status from the window's start to now, as contiguous segments. */
function statusSegments(input: UptimeInput, start: number, now: number): Segment[] {
  const changes = input.changes
    .map((c) => ({ ...c, time: Date.parse(c.at) }))
    .filter((c) => c.time <= now)
    .sort((a, b) => a.time - b.time);
  const before = changes.filter((c) => c.time < start);
  const inside = changes.filter((c) => c.time >= start);
  // Each change records the status it left, so the first one in the window tells the status before it.
  let status: ServiceStatus = before.at(-1)?.to ?? inside[0]?.from ?? input.status;
  let from = start;
  const segments: Segment[] = [];
  for (const change of inside) {
    if (change.time > from) segments.push({ from, to: change.time, status });
    status = change.to;
    from = Math.max(from, change.time);
  }
  if (now > from) segments.push({ from, to: now, status });
  return segments;
}

const refNumber = (ref: string) => Number(ref.replace(/\D/g, '')) || 0;
