import type { CommandDeps } from './platform/commands.ts';
import type { Executor } from './platform/db/client.ts';
import type { Config } from './platform/config.ts';
import type { Metrics } from './features/health/index.ts';
import type { MirrorStatus } from './platform/mirror/mirror.ts';
import type { PageRenderer, Publisher } from './site/publisher.ts';
import type { EscalationMatrix } from './features/freshness/index.ts';
import type { IntakeMapping } from './features/drafts/index.ts';
import type { Snapshot } from './site/snapshot.ts';
import type { SignalsStatus } from './features/signals/index.ts';
import type { SubscriptionSettings } from './features/subscribers/index.ts';
import type { SearchGate } from './site/search-gate.ts';

/**
 * What every route receives: built once by `assembleHerald` (api/assemble.ts), never read from
 * globals. Every field is required; a test that wants no notices or no pages passes the no-op
 * (`noopNotifier`) or null renderer explicitly.
 */
export type AppDeps = Omit<CommandDeps, 'publisher'> & {
  config: Pick<
    Config,
    'publicUrl' | 'adminToken' | 'updateIntervalMinutes' | 'metricsToken' | 'trustProxy' | 'pagerdutyWebhookSecret' | 'reportMaintenanceAsDowntime'
  >;
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
  /** Prometheus metrics for GET /metrics (api/features/health/metrics-api.ts). */
  metrics: Pick<Metrics, 'render' | 'contentType' | 'observeSearchRefused' | 'observeIntakeRefused'>;
  /**
   * The connection searches read the index on: a second one to the same database where it can
   * be (a file or a server), so a search never waits behind a write; `db` itself for `:memory:`.
   */
  searchDb?: Executor;
  /** Each address's share of the public search, shared with the server's early answers; the route makes its own when absent. */
  searchGate?: SearchGate;
  /** Signals from Prometheus (PROMETHEUS_URL), for /healthz; null or absent when none is configured. */
  signals?: { status(): SignalsStatus } | null;
  /** The mirror (MIRROR_COMMAND), for /healthz; null or absent when none is configured. */
  mirror?: { status(): MirrorStatus; maxLagSeconds: number } | null;
};

export type { HeraldEnv } from './platform/http/env.ts';
