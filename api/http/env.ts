import type { Notifier } from '../commands/incidents.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../domain/clock.ts';
import type { Db } from '../db/client.ts';
import type { PageRenderer, Publisher } from '../publish/publisher.ts';
import type { Snapshot } from '../publish/snapshot.ts';

/** What every route receives: built once in the composition root, never read from globals. */
export type AppDeps = {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'publicUrl' | 'adminToken' | 'updateIntervalMinutes'>;
  snapshot: Snapshot;
  publisher: Publisher;
  /** Renders pages per request (admin desk, subscription pages); null in API-only tests. */
  renderPage?: PageRenderer | null;
  /** Queues notices for incident changes inside their write transaction (subscribers, webhooks). */
  notifier?: Notifier;
  log?: Pick<Console, 'info' | 'warn' | 'error'>;
};

/** Hono's per-request variables. */
export type HeraldEnv = { Variables: { requestId: string; actor: string } };
