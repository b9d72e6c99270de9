/** What the public pages read of monitoring: only what is stored, never Prometheus itself. */
import type { Executor } from '../../platform/db/client.ts';
import { uptimeWindowStart } from '../services/index.ts';
import type { ServiceSignals } from './schemas.ts';
import { loadSignals } from './store.ts';

/** Each service's stored availability days (the uptime window's) and charts at `now`, by slug; services without sources are absent. */
export function readSignals(db: Executor, now: Date): Promise<Map<string, ServiceSignals>> {
  return loadSignals(db, uptimeWindowStart(now).toISOString().slice(0, 10));
}
