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
 * Maintenance never counts against uptime: the window was announced.
 *
 * Which days count, and how much (as Statuspage counts them): days are UTC days, and every day
 * that counts counts whole — 1,440 minutes, on the service's first day and today too, so a
 * 2-minute outage is 2 of 1,440 minutes whenever it happened (today's downtime counts up to
 * `now`). The days before Herald knew the service — before it was created, or before the first
 * incident or status change recorded for it, whichever is earlier (incidents entered with past
 * times) — are neither up nor down: "no data", left out of the percentage. A figure over fewer
 * than the whole window says so (`counted`, `since`), so that a new service's first outage is
 * not read as a bad quarter.
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
  /** When the service was created in Herald: Statuspage's `created_at`. */
  createdAt: string;
  /**
   * The earliest time Herald's history names the service (an incident or a status change), when
   * known beyond `changes` and `incidents` (which hold only the window): history entered with
   * past times, older than the service's creation. Days before the earlier of this and
   * `createdAt` are "no data".
   */
  knownSince?: string | null;
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
  /**
   * "99.95": the share of the counted days' minutes without downtime, rounded down so that any
   * downtime shows below 100.00; null when no day is counted yet.
   */
  percent: string | null;
  /** How many days the percentage covers: the days with data, fewer than `days.length` for a service Herald has known for less. */
  counted: number;
  /** The first counted day (YYYY-MM-DD, UTC), or null when none is: "since 22 Nov 2026". */
  since: string | null;
  /**
   * What a Statuspage component says of the service's dates: `createdAt` when it was created,
   * and `startDate` (YYYY-MM-DD) the day its history starts — the day of the earlier of its
   * creation and the first incident or status change recorded for it (`knownSince`, which the
   * data layer looks up for a service created within the window).
   */
  createdAt: string;
  startDate: string;
  /**
   * What the days and the figure are based on: what monitoring measured (api/features/signals,
   * a service with an `availability` expression), or the statuses posted (absent: posted).
   */
  basis?: 'monitoring' | 'status';
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
  const days = input.days ?? UPTIME_DAYS;
  const { t, date: formatDate, duration } = input.messages ?? ENGLISH;
  const now = input.now.getTime();
  const start = uptimeWindowStart(input.now, days);
  const known = knownSince(input);
  const spans = input.incidents.map((i) => ({ ref: i.ref, from: Date.parse(i.startedAt), to: i.resolvedAt ? Date.parse(i.resolvedAt) : now }));

  let counted = 0;
  let down = 0;
  let since: string | null = null;
  const result: UptimeDay[] = [];
  for (const day of statusTimeByDay(input, start, days)) {
    const dayStart = Date.parse(`${day.date}T00:00:00Z`);
    const dayEnd = Math.min(dayStart + DAY_MS, now);
    const date = new Date(dayStart);
    const iso = day.date;
    const name = formatDate(date);
    if (!day.counted) {
      result.push({ date: iso, level: 'none', label: t('uptime.noData', { date: name }) });
      continue;
    }
    since ??= iso;
    counted += 1;
    const { ms } = day;
    down += downtimeMs(ms, DOWNTIME_WEIGHT);
    const worst = COUNTED.filter((status) => ms[status]);
    const refs = spans
      .filter((s) => s.from < dayEnd && s.to >= dayStart)
      .map((s) => s.ref)
      .sort((a, b) => refNumber(a) - refNumber(b));
    const what = worst.length
      ? worst.map((status) => t('uptime.downtime', { status: t(`uptime.status.${status}`), duration: duration(ms[status] as number) })).join(', ')
      : t('uptime.noDowntime');
    result.push({
      date: iso,
      level: worst[0] ? LEVEL[worst[0]] : 'ok',
      label: refs.length ? t('uptime.dayIncidents', { date: name, what, refs: [...new Set(refs)].join(', ') }) : t('uptime.day', { date: name, what }),
    });
  }
  return {
    days: result,
    percent: counted > 0 ? formatPercent(counted * DAY_MS, down) : null,
    counted,
    since,
    createdAt: input.createdAt,
    startDate: new Date(Math.min(known, Date.parse(input.createdAt))).toISOString().slice(0, 10),
  };
}

/** A day's time in each status (ms); only the statuses it was in are present. */
export type StatusTime = Partial<Record<ServiceStatus, number>>;

/** One UTC day of a service's history: whether it counts (Herald knew the service, and it has begun), and its time in each status. */
export type DayStatusTime = { date: string; counted: boolean; ms: StatusTime };

/**
 * The service's time in each status on each of `days` UTC days from `start` (a UTC midnight),
 * the figures both the uptime bars (`computeUptime`) and the monthly reports count from. A day
 * counts whole (see above) from the day Herald knew the service on, not before, and not ahead
 * of `now` (today up to `now`). `maintenance`: spans (ms) in which the service was under
 * announced maintenance, whatever its status said: their time counts as `under_maintenance`.
 * @example statusTimeByDay({ createdAt: '2026-01-01T00:00:00Z', status: 'operational', changes: [], incidents: [], now: new Date('2026-03-10T12:00:00Z') }, new Date('2026-03-09T00:00:00Z'), 2)
 * // [{ date: '2026-03-09', counted: true, ms: { operational: 86400000 } }, { date: '2026-03-10', counted: true, ms: { operational: 43200000 } }]
 */
export function statusTimeByDay(
  input: Pick<UptimeInput, 'createdAt' | 'knownSince' | 'status' | 'changes' | 'incidents' | 'now'>,
  start: Date,
  days: number,
  maintenance: readonly { from: number; to: number }[] = [],
): DayStatusTime[] {
  const now = input.now.getTime();
  const known = knownSince(input);
  const segments = withMaintenance(statusSegments(input, start.getTime(), now), maintenance);
  const result: DayStatusTime[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = start.getTime() + d * DAY_MS;
    const dayEnd = Math.min(dayStart + DAY_MS, now);
    const date = new Date(dayStart).toISOString().slice(0, 10);
    // A day counts whole from the day Herald knew the service on; not before, nor ahead of now.
    if (known > now || dayStart + DAY_MS <= known || dayStart > now) {
      result.push({ date, counted: false, ms: {} });
      continue;
    }
    const from = Math.max(dayStart, known);
    const ms: StatusTime = {};
    for (const s of segments) {
      const overlap = Math.min(s.to, dayEnd) - Math.max(s.from, from);
      if (overlap > 0) ms[s.status] = (ms[s.status] ?? 0) + overlap;
    }
    result.push({ date, counted: true, ms });
  }
  return result;
}

/**
 * The downtime in `ms`, each status weighed by `weights` (`DOWNTIME_WEIGHT`, or a report's with maintenance counted).
 * @example downtimeMs({ major_outage: 1_800_000, degraded_performance: 7_200_000 }, DOWNTIME_WEIGHT) // 2_520_000
 */
export function downtimeMs(ms: StatusTime, weights: Readonly<Record<ServiceStatus, number>>): number {
  let down = 0;
  for (const [status, time] of Object.entries(ms) as [ServiceStatus, number][]) down += time * weights[status];
  return down;
}

/** The segments with the time inside `spans` relabelled `under_maintenance`. */
function withMaintenance(segments: readonly Segment[], spans: readonly { from: number; to: number }[]): Segment[] {
  if (spans.length === 0) return [...segments];
  const out: Segment[] = [];
  for (const s of segments) {
    const cuts = [s.from, s.to, ...spans.flatMap((m) => [m.from, m.to]).filter((t) => t > s.from && t < s.to)].sort((a, b) => a - b);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [from, to] = [cuts[i] as number, cuts[i + 1] as number];
      if (to <= from) continue;
      const inside = spans.some((m) => m.from <= from && m.to >= to);
      out.push({ from, to, status: inside ? 'under_maintenance' : s.status });
    }
  }
  return out;
}

/**
 * `computeUptime` that remembers each service's result between publishes, for a page of many
 * services: 200 services are 18,000 labelled days, most of a publish when made anew each time.
 * Exact, not approximate: days count whole, so while a service's status weighs nothing
 * (operational, maintenance) and its history, the day and the language are unchanged, the
 * result is the same. A service that is down now is computed afresh every time (its minutes
 * grow), and so is one whose history holds a time still ahead of the clock.
 */
export function createUptimeMemo(): (slug: string, input: UptimeInput) => Uptime {
  const kept = new Map<string, { key: string; result: Uptime }>();
  return (slug, input) => {
    const now = input.now.getTime();
    const ahead = knownSince(input) > now || input.changes.some((c) => Date.parse(c.at) > now) || input.incidents.some((i) => Date.parse(i.startedAt) > now);
    if (DOWNTIME_WEIGHT[input.status] !== 0 || ahead) {
      kept.delete(slug);
      return computeUptime(input);
    }
    const day = uptimeWindowStart(input.now, 1).getTime();
    const key = JSON.stringify([
      day,
      input.days ?? UPTIME_DAYS,
      input.createdAt,
      input.knownSince ?? null,
      input.status,
      input.changes,
      input.incidents,
      input.messages?.lang ?? 'en',
    ]);
    const hit = kept.get(slug);
    if (hit && hit.key === key) return hit.result;
    const result = computeUptime(input);
    kept.set(slug, { key, result });
    return result;
  };
}

/** When Herald first knew the service: its creation, or the first history recorded for it if earlier (ms). */
function knownSince(input: UptimeInput): number {
  const times = [
    Date.parse(input.createdAt),
    ...(input.knownSince ? [Date.parse(input.knownSince)] : []),
    ...input.changes.map((c) => Date.parse(c.at)),
    ...input.incidents.map((i) => Date.parse(i.startedAt)),
  ];
  return Math.min(...times.filter((t) => !Number.isNaN(t)));
}

/**
 * Uptime as a percentage with two decimals, rounded down: 100.00 only without any downtime.
 * @example formatPercent(30 * 86_400_000, 2_520_000) // '99.90'
 */
export function formatPercent(measured: number, down: number): string {
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
