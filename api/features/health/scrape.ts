import { readPlanReport } from '../plan/index.ts';
import type { Db } from '../../platform/db/client.ts';
import { outboxBacklog } from '../../platform/delivery/outbox-health.ts';
import { listOutages } from '../../platform/delivery/outages.ts';
import type { Clock } from '../../platform/clock.ts';
import { assessOpenIncidents } from '../freshness/index.ts';
import { CHANNELS, PLAN_WINDOW_DAYS, type ScrapeState } from './registry.ts';

export type ScrapeDeps = {
  db: Db;
  clock: Clock;
  site: { publicUrl: string; updateIntervalMinutes: number };
  /** The published snapshot held in memory (api/site/snapshot.ts), and its copy on disk. */
  snapshot: { stats(): { files: number; bytes: number }; mirrorStatus(): { state: string; pendingFiles: number } };
  watchdog: { lastTickAt(): Date | null };
};

/**
 * Reads what the gauges report, at scrape time: the freshness of open incidents (computed from
 * the incidents themselves, so it stays truthful if the watchdog stopped), the outbox backlog
 * and outages per channel, the snapshot in memory, and the plan report over the trailing window.
 */
export function readScrapeState(deps: ScrapeDeps): () => Promise<ScrapeState> {
  return async () => {
    const now = deps.clock.now();
    const assessment = await assessOpenIncidents(deps.db, now, deps.site);
    const backlog = await outboxBacklog(deps.db);
    const mirror = deps.snapshot.mirrorStatus();
    const outbox = Object.fromEntries(CHANNELS.map((c) => [c, { depth: 0, oldestAgeSeconds: 0 }])) as ScrapeState['outbox'];
    for (const row of backlog) {
      outbox[row.channel] = {
        depth: row.depth,
        oldestAgeSeconds: row.oldestCreatedAt ? Math.max(0, Math.round((now.getTime() - Date.parse(row.oldestCreatedAt)) / 1000)) : 0,
      };
    }
    return {
      freshness: {
        open: assessment.open.length,
        overdue: assessment.overdue.length,
        nextDeadlineSeconds: assessment.nextDeadline ? Math.round((assessment.nextDeadline.getTime() - now.getTime()) / 1000) : null,
        watchdogLastRunAt: deps.watchdog.lastTickAt(),
      },
      outbox,
      outages: await listOutages(deps.db),
      time: now.toISOString(),
      snapshot: { ...deps.snapshot.stats(), mirror: { failing: mirror.state === 'failing', pendingFiles: mirror.pendingFiles } },
      plan: await readPlanReport({ db: deps.db, clock: deps.clock, policy: deps.site }, planWindow(now)),
    };
  };
}

/** The trailing PLAN_WINDOW_DAYS whole UTC days, today included. */
export function planWindow(now: Date): { from: string; to: string } {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(now.getTime() - (PLAN_WINDOW_DAYS - 1) * 86_400_000), to: day(now.getTime()) };
}
