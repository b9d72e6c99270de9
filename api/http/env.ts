import type { Role } from '../auth/roles.ts';
import type { Session } from '../auth/sessions.ts';
import type { CommandDeps } from '../commands/context.ts';
import type { Config } from '../config.ts';
import type { Actor } from '../domain/actor.ts';
import type { Metrics } from '../metrics/registry.ts';
import type { PageRenderer, Publisher } from '../publish/publisher.ts';
import type { EscalationMatrix } from '../domain/escalation.ts';
import type { IntakeMapping } from '../domain/intake.ts';
import type { Snapshot } from '../publish/snapshot.ts';
import type { SubscriptionSettings } from '../subscribers/settings.ts';

/**
 * What every route receives: built once by `assembleHerald` (api/herald.ts), never read from
 * globals. Every field is required; a test that wants no notices or no pages passes the no-op
 * (`noopNotifier`) or null renderer explicitly.
 */
export type AppDeps = Omit<CommandDeps, 'publisher'> & {
  config: Pick<Config, 'publicUrl' | 'adminToken' | 'updateIntervalMinutes' | 'metricsToken' | 'trustProxy' | 'pagerdutyWebhookSecret'>;
  snapshot: Snapshot;
  publisher: Publisher;
  /** Renders pages per request (the desk, subscription pages); null where no Astro bundle is built (API-only tests). */
  renderPage: PageRenderer | null;
  subscriptions: SubscriptionSettings;
  /** Where the operator's content lives (message templates under templates/). */
  contentDir: string;
  /** The escalation matrix (content/escalation.json): the desk shows the level each open incident has reached. */
  escalation?: EscalationMatrix;
  /** How alerts' labels map to services and severities (content/intake.json); the shipped defaults' rules when absent. */
  intake?: IntakeMapping;
  /** The freshness watchdog, for /metrics (when it last ran). */
  watchdog: { lastTickAt(): Date | null };
  /** Prometheus metrics for GET /metrics (api/metrics/routes.ts). */
  metrics: Pick<Metrics, 'render' | 'contentType'>;
};

/** Hono's per-request variables: who is asking (a token's or a signed-in user's) and with which role. */
export type HeraldEnv = {
  Variables: { requestId: string; actor: Actor; role: Role; session?: Session };
};
