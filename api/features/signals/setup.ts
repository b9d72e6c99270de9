/**
 * Signals as the server starts them: the catalogue's expressions stored, checked by Prometheus,
 * and the job that keeps their answers — or, without PROMETHEUS_URL, none, every figure from
 * posted status.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import { Catalogue, readContent } from '../../platform/content.ts';
import type { Db } from '../../platform/db/client.ts';
import type { Log } from '../../platform/log/log.ts';
import { createSignalsJob, type SignalsJob, type SignalsJobOptions } from './job.ts';
import { createPrometheusClient } from './prometheus.ts';
import { sourcesFromCatalogue } from './rules.ts';
import { replaceSources } from './store.ts';

export type SetupSignalsOptions = Pick<SignalsJobOptions, 'onQueryFailed' | 'onAvailabilityDrop' | 'onAvailabilityBack' | 'dropAfterMs'> & {
  db: Db;
  clock: Clock;
  log: Log;
  prometheus: Config['prometheus'];
  /** WEBHOOK_ALLOW_LOCAL: redirects to loopback and private addresses are followed too. */
  allowLocal: boolean;
  contentDir: string;
};

/**
 * Stores the catalogue's sources and checks them with Prometheus (a wrong expression throws a
 * ConfigError naming the service). Without PROMETHEUS_URL the stored sources are removed, so
 * every page says its figures come from posted status again, and null is returned.
 */
export async function setupSignals(options: SetupSignalsOptions): Promise<SignalsJob | null> {
  const { db, clock, log } = options;
  if (!options.prometheus) {
    await replaceSources(db, { availability: [], metrics: [] });
    return null;
  }
  const sources = sourcesFromCatalogue(readContent(options.contentDir, 'services.json', Catalogue));
  const job = createSignalsJob({
    db,
    clock,
    log,
    client: createPrometheusClient({ ...options.prometheus, allowLocal: options.allowLocal }),
    sources,
    ...(options.onQueryFailed ? { onQueryFailed: options.onQueryFailed } : {}),
    ...(options.onAvailabilityDrop ? { onAvailabilityDrop: options.onAvailabilityDrop } : {}),
    ...(options.onAvailabilityBack ? { onAvailabilityBack: options.onAvailabilityBack } : {}),
    ...(options.dropAfterMs ? { dropAfterMs: options.dropAfterMs } : {}),
  });
  await job.validate();
  await replaceSources(db, sources);
  return job;
}
