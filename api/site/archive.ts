/**
 * The archive: every page a publish need not render again unless its subject changes (every
 * incident, every month of every scope's history, every window). A fresh start renders it
 * in the background, one batch per turn on the publish queue, so writes keep publishing meanwhile.
 */
import type { Db } from '../platform/db/client.ts';
import type { Log } from '../platform/log/log.ts';
import type { SerialQueue } from './serial-queue.ts';
import { allHistoryMonths, allMaintenanceIds, incidentIdsBefore } from './store.ts';
import type { Target } from './targets.ts';

/** Incidents rendered per batch; a write's publish waits at most one batch. */
const BATCH = 200;
/** A month renders up to a few pages of a hundred incidents: fewer per batch. */
const MONTH_BATCH = BATCH / 4;
/** A progress line every this many batches. */
const PROGRESS_EVERY = 10;

/**
 * Every archive page, in batches: incidents newest first (recent permalinks are the likeliest
 * read), then every month of the site and of each listed service, then every window.
 */
export async function* archiveBatches(db: Db, listedServiceIds: readonly number[]): AsyncGenerator<Target[]> {
  for (let before = Number.MAX_SAFE_INTEGER; ; ) {
    const ids = await incidentIdsBefore(db, before, BATCH);
    if (ids.length === 0) break;
    yield ids.map((id) => ({ kind: 'incident', id }));
    before = ids.at(-1) as number;
  }
  const listed = new Set([0, ...listedServiceIds]);
  const months: Target[] = (await allHistoryMonths(db))
    .filter((m) => listed.has(m.serviceId))
    .map((m) => ({ kind: 'month', serviceId: m.serviceId, month: m.month }));
  for (let i = 0; i < months.length; i += MONTH_BATCH) yield months.slice(i, i + MONTH_BATCH);
  const windows: Target[] = (await allMaintenanceIds(db)).map((id) => ({ kind: 'maintenance', id }));
  for (let i = 0; i < windows.length; i += BATCH) yield windows.slice(i, i + BATCH);
}

export type BackgroundArchiveOptions = {
  queue: SerialQueue;
  /** The batches to render, read when a run starts. */
  batches(): Promise<AsyncIterable<Target[]>>;
  /** Renders one batch (on the queue); @returns how many pages and months it held. */
  render(batch: Target[]): Promise<number>;
  /** Waited for between batches, off the queue: lets the disk mirror catch up with what was rendered. */
  between?(): Promise<unknown>;
  /** Run on the queue once every batch is rendered. */
  done(): Promise<unknown>;
  log: Log;
};

/**
 * The archive rendered in the background; `start` while one is running does nothing.
 * `running()` is the run under way, or null.
 */
export function createBackgroundArchive(options: BackgroundArchiveOptions) {
  const { queue, log } = options;
  let current: Promise<void> | null = null;
  return {
    running: () => current,
    start(): void {
      if (current) return;
      current = (async () => {
        const started = performance.now();
        let pages = 0;
        let batches = 0;
        for await (const batch of await queue.run(options.batches)) {
          pages += await queue.run(() => options.render(batch));
          await options.between?.();
          if (++batches % PROGRESS_EVERY === 0) log.info(`[Publish] Rendering every page: ${pages} done…`);
        }
        await queue.run(options.done);
        log.info(`[Publish] Every page is published (${pages} pages and months in ${((performance.now() - started) / 1000).toFixed(1)} s).`);
      })()
        .catch((error) => log.error('[Publish] Rendering every page stopped; the next start tries again:', error))
        .finally(() => {
          current = null;
        });
    },
  };
}
