import type { Notifier } from '../commands/incidents.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../domain/clock.ts';
import type { Db } from '../db/client.ts';
import type { PageRenderer, Publisher } from '../publish/publisher.ts';
import type { Snapshot } from '../publish/snapshot.ts';
import type { SubscriptionDeps } from '../subscribers/routes.ts';

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
  /** Subscriptions (api/subscribers): the public sign-up pages and /api/admin/subscribers are mounted when given. */
  subscriptions?: SubscriptionDeps;
  log?: Pick<Console, 'info' | 'warn' | 'error'>;
  /** Where the operator's content lives (message templates under templates/); the repository's content/ by default. */
  contentDir?: string;
  /** The freshness watchdog, for /metrics (when it last ran); absent in tests that drive it by hand. */
  watchdog?: { lastTickAt(): Date | null };
};

/** Hono's per-request variables. `role` is the actor's (token's or signed-in user's) role. */
export type HeraldEnv = {
  Variables: { requestId: string; actor: string; role: import('../auth/roles.ts').Role; session?: import('../auth/sessions.ts').Session };
};
