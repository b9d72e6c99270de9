/**
 * The signals job: asks Prometheus, in the background, for each service's availability by UTC
 * day and for each chart's points, and stores the answers (store.ts). A publish reads only what
 * is stored, so it never waits for Prometheus; the stored values stay while Prometheus is away.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/client.ts';
import { repeat } from '../../platform/jobs/repeat.ts';
import type { Log } from '../../platform/log/log.ts';
import { ConfigError } from '../../shared/errors.ts';
import { uptimeWindowStart } from '../services/index.ts';
import { QueryRefusedError, type PrometheusClient, type Series } from './prometheus.ts';
import { availabilityQueries, daysToFetch } from './rules.ts';
import { CHART_SPANS, type SignalSources, type SignalsStatus } from './schemas.ts';
import { markSeriesFailing, pruneDays, saveDay, saveSeries, storedDays } from './store.ts';

/** Today's availability (and the drop check) is fetched this often. */
export const SIGNALS_EVERY_MS = 60_000;
/** Charts are refreshed this often: "every few minutes", each a few hundred points. */
export const CHARTS_EVERY_MS = 5 * 60_000;
/** How long an availability must have been 0 before `onAvailabilityDrop` is told. */
export const DROP_AFTER_MS = 5 * 60_000;
/** Start waits at most this long for Prometheus to judge the expressions; longer, and it starts without. */
const VALIDATE_DEADLINE_MS = 5_000;

export type QueryKind = 'availability' | 'metric';

export type SignalsJobOptions = {
  db: Db;
  clock: Clock;
  client: PrometheusClient;
  sources: SignalSources;
  log: Log;
  /** Each query that failed (Prometheus away, slow or refusing): for the failure counter. */
  onQueryFailed?: (kind: QueryKind) => void;
  /**
   * Told once when a service's availability has been 0 for `dropAfterMs` (at least since
   * `since`); told again only after it has been above 0 in between. For status proposals.
   */
  onAvailabilityDrop?: (slug: string, since: Date) => void | Promise<void>;
  /** Told once when a service whose drop was told is measured up again. */
  onAvailabilityBack?: (slug: string) => void | Promise<void>;
  dropAfterMs?: number;
};

export type SignalsJob = ReturnType<typeof createSignalsJob>;

export function createSignalsJob(options: SignalsJobOptions) {
  const { db, clock, client, sources, log } = options;
  const dropAfterMs = options.dropAfterMs ?? DROP_AFTER_MS;
  /** Prometheus not answering (down, slow, 5xx): since when, and the last error. Cleared by any answer. */
  let away: { since: Date; error: string } | null = null;
  /** Expressions Prometheus refused (after start), by what they measure. */
  const refused = new Map<string, { since: Date; error: string }>();
  let lastSuccessAt: Date | null = null;
  let chartsAt = -Infinity;
  const dropped = new Set<string>();

  /** Runs one query, keeping the state /healthz shows; a Prometheus that is away ends the run (rethrown). */
  async function ask<T>(kind: QueryKind, what: string, run: () => Promise<T>): Promise<T | null> {
    try {
      const answer = await run();
      lastSuccessAt = clock.now();
      away = null;
      refused.delete(what);
      return answer;
    } catch (error) {
      options.onQueryFailed?.(kind);
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof QueryRefusedError) {
        // One wrong expression: the others still run.
        if (!refused.has(what)) log.error(`[Signals] ${what}: ${message}. Fix it in content/services.json and restart.`);
        refused.set(what, { since: refused.get(what)?.since ?? clock.now(), error: `${what}: ${message}` });
        return null;
      }
      away = { since: away?.since ?? clock.now(), error: message };
      throw error;
    }
  }

  const first = (series: Series[]) => series[0]?.values.at(-1)?.[1];

  async function refreshAvailability(): Promise<void> {
    const now = clock.now();
    for (const source of sources.availability) {
      const stored = await storedDays(db, source.slug);
      // Newest first: after an outage of Prometheus, today is on the page before the older days.
      for (const day of daysToFetch(stored, source.query, now).reverse()) {
        const queries = availabilityQueries(source.query, day.seconds);
        const what = `Service "${source.slug}" availability`;
        // How many points had data first: a day before monitoring knew the service needs no average.
        const samples = await ask('availability', what, () => client.query(queries.samples, day.at));
        const count = (samples && first(samples)) ?? 0;
        const average = samples && count > 0 ? await ask('availability', what, () => client.query(queries.average, day.at)) : [];
        if (!samples || !average) break;
        await saveDay(db, {
          slug: source.slug,
          day: day.day,
          query: source.query,
          availability: count > 0 ? (first(average) ?? null) : null,
          samples: count,
          complete: day.complete,
          fetchedAt: now,
        });
      }
      await checkDrop(source.slug, source.query, now);
    }
    await pruneDays(db, uptimeWindowStart(now).toISOString().slice(0, 10));
  }

  async function checkDrop(slug: string, query: string, now: Date): Promise<void> {
    const seconds = Math.max(1, Math.round(dropAfterMs / 1000));
    const highest = await ask('availability', `Service "${slug}" availability`, () => client.query(availabilityQueries(query, seconds).highest, now));
    const value = highest && first(highest);
    if (value === undefined || value === null) return;
    if (value > 0) {
      if (!dropped.delete(slug)) return;
      log.info(`[Signals] Service "${slug}" is measured up again.`);
      try {
        await options.onAvailabilityBack?.(slug);
      } catch (error) {
        log.error(`[Signals] Telling that service "${slug}" is up again failed:`, error);
      }
      return;
    }
    if (dropped.has(slug)) return;
    dropped.add(slug);
    log.warn(`[Signals] Service "${slug}" has been measured down (availability 0) for ${Math.round(dropAfterMs / 60_000)} min.`);
    try {
      await options.onAvailabilityDrop?.(slug, new Date(now.getTime() - dropAfterMs));
    } catch (error) {
      log.error(`[Signals] Telling of service "${slug}"'s availability drop failed:`, error);
    }
  }

  async function refreshCharts(): Promise<void> {
    const now = clock.now();
    for (const metric of sources.metrics) {
      for (const { span, seconds, stepSeconds } of CHART_SPANS) {
        const start = new Date(now.getTime() - seconds * 1000);
        const what = `Service "${metric.slug}" metric "${metric.title}"`;
        let series: Series[] | null = null;
        try {
          series = await ask('metric', what, () => client.queryRange(metric.query, start, now, stepSeconds));
        } catch (error) {
          await markSeriesFailing(db, metric.slug, metric.position, span, metric.query, now);
          throw error;
        }
        if (!series) {
          await markSeriesFailing(db, metric.slug, metric.position, span, metric.query, now);
          continue;
        }
        if (series.length > 1) log.warn(`[Signals] ${what} returns ${series.length} series; the chart shows the first. Aggregate it (sum, max, avg) to one.`);
        await saveSeries(db, metric.slug, metric.position, metric.query, {
          span,
          start: start.toISOString(),
          end: now.toISOString(),
          stepSeconds,
          points: series[0]?.values ?? [],
          fetchedAt: now.toISOString(),
        });
      }
    }
  }

  /** Marks every chart missing since now: Prometheus did not answer this run. */
  async function markChartsFailing(): Promise<void> {
    const now = clock.now();
    for (const metric of sources.metrics)
      for (const { span } of CHART_SPANS) await markSeriesFailing(db, metric.slug, metric.position, span, metric.query, now);
  }

  return {
    /**
     * Asks Prometheus to judge every expression once, at start: a wrong one stops the start with
     * the service and Prometheus' own message. A Prometheus that does not answer (in
     * VALIDATE_DEADLINE_MS) does not stop it: the job asks again, and /healthz says so meanwhile.
     */
    async validate(): Promise<void> {
      const all = [
        ...sources.availability.map((a) => ({ what: `service "${a.slug}" availability`, query: a.query })),
        ...sources.metrics.map((m) => ({ what: `service "${m.slug}" metric "${m.title}"`, query: m.query })),
      ];
      for (const { what, query } of all) {
        try {
          await client.query(query, clock.now(), VALIDATE_DEADLINE_MS);
        } catch (error) {
          if (error instanceof QueryRefusedError)
            throw new ConfigError(
              `[Signals] content/services.json, ${what}: Prometheus refused ${JSON.stringify(query)}: ${error.detail}. Fix the expression and start again.`,
            );
          const message = error instanceof Error ? error.message : String(error);
          away = { since: away?.since ?? clock.now(), error: message };
          log.warn(`[Signals] Could not check the expressions with ${client.source} at start (${message}); starting without, and asking again every minute.`);
          return;
        }
      }
    },
    /**
     * One pass: availability (the days not stored yet, today always), the drop check, and the
     * charts when due (or `charts`). Rejects when Prometheus is away; what is stored stays.
     */
    async refresh(force: { charts?: boolean } = {}): Promise<void> {
      const chartsDue = force.charts ?? clock.now().getTime() - chartsAt >= CHARTS_EVERY_MS;
      try {
        await refreshAvailability();
      } catch (error) {
        if (chartsDue) await markChartsFailing();
        throw error;
      }
      if (chartsDue) {
        await refreshCharts();
        chartsAt = clock.now().getTime();
      }
    },
    /** Refreshes now and every SIGNALS_EVERY_MS; @returns the stop function. */
    start(intervalMs = SIGNALS_EVERY_MS): () => Promise<void> {
      let quiet = false;
      // A slow Prometheus (10 s a query) can make a pass outlast the interval: never two at once.
      let current: Promise<void> | null = null;
      const stop = repeat(
        async () => {
          if (current) return;
          current = this.refresh().then(() => void (quiet = false));
          try {
            await current;
          } finally {
            current = null;
          }
        },
        intervalMs,
        (error) => {
          // Said once per outage, not every minute: /healthz and the failure counter keep the rest.
          if (quiet) return;
          quiet = true;
          log.warn(
            `[Signals] ${client.source} did not answer (${error instanceof Error ? error.message : String(error)}); the stored values stay on the page. Retrying every ${intervalMs / 1000} s.`,
          );
        },
      );
      return async () => {
        const inFlight = current;
        await stop();
        await inFlight?.catch(() => {});
      };
    },
    /** For /healthz: whether the last queries reached Prometheus, and since when they fail. */
    status(): SignalsStatus {
      const problem = away ?? [...refused.values()][0] ?? null;
      return {
        state: problem ? 'failing' : 'ok',
        source: client.source,
        since: problem?.since.toISOString() ?? null,
        error: problem?.error ?? null,
        lastSuccessAt: lastSuccessAt?.toISOString() ?? null,
      };
    },
  };
}
