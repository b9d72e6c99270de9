/**
 * The signals feature's pure rules: what the catalogue asks for, which days to fetch, the
 * queries that measure a day, how measured days become uptime bars and a figure, and a chart's
 * geometry. No I/O; `now` is injected.
 */
import type { Catalogue } from '../../platform/content.ts';
import type { Messages } from '../../shared/messages.ts';
import { formatPercent, UPTIME_DAYS, uptimeWindowStart, type DayLevel, type Uptime } from '../services/index.ts';
import type { SignalDay, SignalSources } from './schemas.ts';

const DAY_MS = 86_400_000;
/**
 * A day is fetched for good this long after it ended: samples scraped late and recording rules
 * evaluated late still count. Until then (and today always) it is fetched again each run.
 */
export const SETTLE_MS = 10 * 60_000;

/** The `availability` and `metrics` each service of the catalogue names. */
export function sourcesFromCatalogue(catalogue: Catalogue): SignalSources {
  const sources: SignalSources = { availability: [], metrics: [] };
  for (const group of catalogue.groups)
    for (const service of group.services) {
      if (service.availability) sources.availability.push({ slug: service.slug, query: service.availability });
      for (const [position, metric] of (service.metrics ?? []).entries())
        sources.metrics.push({ slug: service.slug, position, title: metric.title, query: metric.query, unit: metric.unit });
    }
  return sources;
}

export type DayToFetch = {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** The instant queried: the day's end, or now for today. */
  at: Date;
  /** How much of the day the query looks back over, from its start to `at`. */
  seconds: number;
  /** Whether the answer is final (the day ended more than SETTLE_MS ago). */
  complete: boolean;
};

/**
 * The days of the window to fetch at `now`: every day not stored complete for this expression —
 * 90 days on a first run, then today (and yesterday until it settles).
 * @example daysToFetch(new Map(), 'up', new Date('2026-03-10T12:00:00Z'), 1)
 * // [{ day: '2026-03-10', at: 2026-03-10T12:00:00Z, seconds: 43200, complete: false }]
 */
export function daysToFetch(stored: ReadonlyMap<string, { query: string; complete: boolean }>, query: string, now: Date, days = UPTIME_DAYS): DayToFetch[] {
  const start = uptimeWindowStart(now, days).getTime();
  const wanted: DayToFetch[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY_MS;
    const day = new Date(dayStart).toISOString().slice(0, 10);
    const kept = stored.get(day);
    if (kept?.complete && kept.query === query) continue;
    const at = Math.min(dayStart + DAY_MS, now.getTime());
    wanted.push({ day, at: new Date(at), seconds: Math.max(1, Math.round((at - dayStart) / 1000)), complete: now.getTime() >= dayStart + DAY_MS + SETTLE_MS });
  }
  return wanted;
}

/**
 * The two instant queries measuring `seconds` up to the query's time: the average of the
 * expression and how many points had data. A subquery at Prometheus' evaluation interval, over
 * the expression's average across its series (several probes of one service count as one).
 * @example availabilityQueries('probe_success{job="api"}', 86400).average
 * // 'avg_over_time((avg(probe_success{job="api"}))[86400s:])'
 */
export function availabilityQueries(expression: string, seconds: number): { average: string; samples: string; highest: string } {
  const inner = `(avg(${expression}))[${seconds}s:]`;
  return { average: `avg_over_time(${inner})`, samples: `count_over_time(${inner})`, highest: `max_over_time(${inner})` };
}

/**
 * How a measured day is drawn, with the posted-status levels' shapes: no downtime; up to 1 %
 * down (degraded); up to 5 % (partial); more (major). Documented in docs/signals.md.
 */
export function measuredLevel(availability: number): DayLevel {
  if (availability >= 1) return 'ok';
  if (availability >= 0.99) return 'degraded';
  if (availability >= 0.95) return 'partial';
  return 'major';
}

/**
 * A service's uptime from its measured days, in place of the posted one (`posted` keeps its
 * dates, Statuspage's created_at and start_date). Days without data are "no data"; the figure
 * weighs each day by the points measured in it, so today's few hours count as few hours.
 */
export function measuredUptime(input: { days: readonly SignalDay[]; now: Date; messages: Messages; posted: Pick<Uptime, 'createdAt' | 'startDate'> }): Uptime {
  const { t, date: formatDate } = input.messages;
  const byDay = new Map(input.days.map((d) => [d.day, d]));
  const start = uptimeWindowStart(input.now).getTime();
  let measured = 0;
  let down = 0;
  let counted = 0;
  let since: string | null = null;
  const days: Uptime['days'] = [];
  for (let d = 0; d < UPTIME_DAYS; d++) {
    const at = new Date(start + d * DAY_MS);
    const iso = at.toISOString().slice(0, 10);
    const name = formatDate(at);
    const kept = byDay.get(iso);
    if (!kept || kept.samples <= 0 || kept.availability === null) {
      days.push({ date: iso, level: 'none', label: t('uptime.noData', { date: name }) });
      continue;
    }
    since ??= iso;
    counted += 1;
    const availability = Math.min(1, Math.max(0, kept.availability));
    measured += kept.samples;
    down += kept.samples * (1 - availability);
    days.push({
      date: iso,
      level: measuredLevel(availability),
      label:
        availability >= 1
          ? t('uptime.measuredNoDowntime', { date: name })
          : t('uptime.measuredDay', { date: name, percent: formatPercent(1, 1 - availability) }),
    });
  }
  return {
    days,
    percent: counted > 0 ? formatPercent(measured, down) : null,
    counted,
    since,
    createdAt: input.posted.createdAt,
    startDate: input.posted.startDate,
    basis: 'monitoring',
  };
}

export type ChartGeometry = {
  /** An SVG path through the points ("M x y L x y …"), or '' with none. */
  path: string;
  /** Each point's place, for markers. */
  dots: { x: number; y: number }[];
  min: number;
  max: number;
};

/**
 * Where a chart's points go in a `width` × `height` box, time across from `start` to `end`
 * (unix seconds), values up from the lowest to the highest (0 included when all are above it,
 * so a small wobble is not drawn as a cliff).
 * @example chartGeometry([[0, 0], [10, 5]], 0, 10, 100, 50).path // 'M0 50L100 0'
 */
export function chartGeometry(points: readonly [number, number][], start: number, end: number, width: number, height: number): ChartGeometry {
  if (points.length === 0) return { path: '', dots: [], min: 0, max: 0 };
  const values = points.map((p) => p[1]);
  const min = Math.min(0, ...values);
  const max = Math.max(...values);
  const range = max - min || 1;
  const span = end - start || 1;
  const round = (n: number) => Math.round(n * 10) / 10;
  const dots = points.map(([t, v]) => ({ x: round(((t - start) / span) * width), y: round(height - ((v - min) / range) * height) }));
  return { path: dots.map((d, i) => `${i ? 'L' : 'M'}${d.x} ${d.y}`).join(''), dots, min, max };
}
