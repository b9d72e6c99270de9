/**
 * Builds the whole of Herald from its configuration and its opened resources: the publisher,
 * the notifier, the background jobs and the HTTP app. The server and the tests both build it
 * here, so a test runs the app production runs. Nothing here reads the environment, and no
 * timer starts until `startJobs()`.
 */
import { createApp } from './app.ts';
import { as, type CommandDeps } from './platform/commands.ts';
import type { Config } from './platform/config.ts';
import type { SiteSettings } from './platform/content.ts';
import type { Db, Executor } from './platform/db/client.ts';
import { type Clock, type ClockJump, watchClock } from './platform/clock.ts';
import { createWatchdog } from './features/freshness/index.ts';
import { EscalationMatrix } from './features/freshness/index.ts';
import { IntakeMapping } from './features/drafts/index.ts';
import { Catalogue, loadMessages, readContent } from './platform/content.ts';
import type { Messages } from './shared/messages.ts';
import { childLog, type Log } from './platform/log/log.ts';
import { createMaintenanceJob } from './features/maintenance/index.ts';
import { instrumentPublisher } from './site/metrics.ts';
import { createMetrics, type Metrics } from './features/health/index.ts';
import { readScrapeState } from './features/health/index.ts';
import type { Mailer } from './platform/delivery/mailer.ts';
import { createDeliveryQueue } from './platform/delivery/queue.ts';
import { setupNotifications } from './features/notices/index.ts';
import { createPublisher, type PageRenderer, type Publisher } from './site/publisher.ts';
import { createSiteMirror, mirrorPublishes } from './site/mirror-publishes.ts';
import type { Snapshot } from './site/snapshot.ts';
import { createUnconfirmedPurge, DEFAULT_SIGNUP_THROTTLE } from './features/subscribers/index.ts';
import { createUpstreamPoller, syncUpstreams, upstreamDeclarations } from './features/upstreams/index.ts';
import { setupSignals } from './features/signals/index.ts';
import { proposeStatus } from './features/proposals/index.ts';
import { searchGateFor } from './site/search-route.ts';

/** Maintenance windows start and complete on time, to within this interval. */
const MAINTENANCE_CHECK_MS = 30_000;
/** The longest a writer's answer waits for SNAPSHOT_DIR after readers here already see the change. */
const DISK_WAIT_MS = 2_000;
/** How often each process checks the publish sequence for other processes' writes. */
const FOLLOW_MS = 250;
/** The longest a batch of notices waits for the publish in progress before it is delivered anyway. */
const PUBLISH_WAIT_MS = 5000;
/** How often the wall clock is compared with the monotonic one, so a jump re-arms what waits on wall time. */
const CLOCK_CHECK_MS = 1_000;

export type HeraldParts = {
  config: Config;
  /** Opened and migrated. */
  db: Db;
  clock: Clock;
  log: Log;
  settings: SiteSettings;
  /** The words customers read; loaded from the content folder for `settings.language` when absent. */
  messages?: Messages;
  snapshot: Snapshot;
  /** The Astro bundle's renderer; null where none is built (API-only tests publish feeds and JSON only). */
  renderPage: PageRenderer | null;
  /** Static files (stylesheets, icons) published beside the pages. */
  assets: ReadonlyMap<string, Buffer>;
  /** Names the page bundle: a snapshot rendered by another build is rendered again at start. */
  buildId?: string;
  /** The one pooled mail transport of the process: subscriber notices and freshness notices alike. */
  mailer: Mailer;
  /** The process's metrics (the server's listener counts requests into it); a fresh registry if absent. */
  metrics?: Metrics;
  /** A second connection to the database for searches (api/site/search-route.ts); `db` when absent. */
  searchDb?: Executor;
  /**
   * Sign-ups allowed per client address per window; 10 per 10 minutes unless a test needs
   * more, and then the same from all addresses together (else SIGNUP_BUDGET).
   */
  signupThrottle?: { limit: number; windowMs: number };
  /** Told when a service's measured availability has been 0 for a while (api/features/signals); for status proposals. */
  onAvailabilityDrop?: (slug: string, since: Date) => void | Promise<void>;
};

export async function assembleHerald(parts: HeraldParts) {
  const { config, db, clock, log, snapshot, renderPage } = parts;
  const messages = parts.messages ?? loadMessages(config.contentDir, parts.settings.language);
  const policy = {
    publicUrl: config.publicUrl,
    updateIntervalMinutes: config.updateIntervalMinutes,
    maintenanceReminderMinutes: config.maintenanceReminderMinutes,
  };
  let jobsRunning = false;
  let deadlineTimer: NodeJS.Timeout | undefined;
  // The last deadline a publish announced, kept so that startJobs arms it: the server publishes before it starts the jobs.
  let deadline: { at: Date; open: number[] } | null = null;
  const armDeadline = () => {
    clearTimeout(deadlineTimer);
    if (!deadline || !jobsRunning) return;
    const { at, open } = deadline;
    const wait = Math.max(0, at.getTime() - clock.now().getTime()) + 100;
    deadlineTimer = setTimeout(
      () => {
        publisher.publish({ incidents: open }).catch((error) => jobLog('deadline-republish').error('[Publish] Deadline republish failed:', error));
      },
      Math.min(wait, 2 ** 31 - 1),
    ).unref();
  };
  const metrics = parts.metrics ?? createMetrics();
  // Wall times are what readers see and what processes share; this watch notices when the wall clock steps.
  const clockWatch = watchClock(clock);
  // Each job's lines carry its name; request lines carry their request id (api/platform/http/observe.ts).
  const jobLog = (job: string) => childLog(log, { job });
  // With MIRROR_COMMAND, each publish's changed files are copied elsewhere in the background.
  const mirror = createSiteMirror({
    config: config.mirror,
    dir: snapshot.dir,
    clock,
    log: jobLog('mirror'),
    registry: metrics.registry,
    settled: () => snapshot.mirrored(),
  });
  const mirrored = (inner: Publisher) => (mirror ? mirrorPublishes(inner, mirror, mirror.dir) : inner);
  // Readers here see a publish as soon as memory has it. A writer's answer also waits, a little, for
  // SNAPSHOT_DIR, so nginx or a static host serving that directory has the page too; a directory that
  // fails or stalls never holds the answer longer than DISK_WAIT_MS (its state is on /healthz).
  const onDisk = (inner: Publisher): Publisher => ({
    ...inner,
    publish: (scope) =>
      inner.publish(scope).then(async (result) => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([snapshot.mirrored(), new Promise<void>((resolve) => (timer = setTimeout(resolve, DISK_WAIT_MS)))]);
        clearTimeout(timer);
        return result;
      }),
  });
  const publisher = instrumentPublisher(
    onDisk(
      mirrored(
        createPublisher({
          db,
          clock,
          snapshot,
          renderPage,
          assets: parts.assets,
          buildId: parts.buildId,
          log: jobLog('publish'),
          settings: parts.settings,
          messages,
          publicUrl: config.publicUrl,
          updateIntervalMinutes: config.updateIntervalMinutes,
          // When a deadline passes, the open incidents' pages must say so, and at midnight (UTC) the
          // uptime bars move: republish then.
          onNextDeadline: (at, open) => {
            deadline = at ? { at, open } : null;
            armDeadline();
          },
        }),
      ),
    ),
    metrics,
    clock,
  );
  // The one delivery queue: each feature registers the lanes of what it sends.
  const delivery = createDeliveryQueue({
    db,
    clock,
    log: jobLog('outbox'),
    leaseMs: config.outboxLeaseSeconds * 1000,
    clockWatch,
    onBatch: (rows, results) => metrics.observeDeliveries(rows, results),
    // A notice waits for the publish of the write that queued it: the pages first. The write
    // asks for its publish as soon as it has committed, in the same turn of the event loop;
    // a claim made meanwhile has its rows back no sooner than the next turn. A publish that
    // hangs holds the notices up for PUBLISH_WAIT_MS at most: the mail goes out regardless.
    beforeDeliver: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([publisher.settled(), new Promise((resolve) => (timer = setTimeout(resolve, PUBLISH_WAIT_MS)))]);
      clearTimeout(timer);
    },
  });
  const notifications = await setupNotifications({
    db,
    config,
    clock,
    settings: parts.settings,
    messages,
    log: jobLog('outbox'),
    mailer: parts.mailer,
    delivery,
  });
  const commands: CommandDeps = { db, clock, publisher, notifier: notifications.notifier, log, policy, messages };
  // Validated at start: a malformed matrix stops the server with the field it disliked.
  const escalation = readContent(config.contentDir, 'escalation.json', EscalationMatrix);
  const intake = readContent(config.contentDir, 'intake.json', IntakeMapping);
  const watchdog = createWatchdog({
    db,
    clock,
    site: policy,
    escalation,
    policy: config.freshness.escalation,
    deliverers: { mailer: parts.mailer, webhookUrl: config.freshness.webhookUrl, allowLocal: config.webhookAllowLocal },
    publisher,
    log: jobLog('freshness-watchdog'),
    delivery,
  });
  const maintenance = createMaintenanceJob({ ...commands, log: jobLog('maintenance') });
  const purge = createUnconfirmedPurge({ db, clock, log: jobLog('subscribers') });
  // Services that follow a provider's status page (content/services.json `upstream`): checked now, read by the job.
  const declarations = upstreamDeclarations(readContent(config.contentDir, 'services.json', Catalogue), config.webhookAllowLocal);
  await syncUpstreams(commands, declarations);
  const upstreams = createUpstreamPoller({
    deps: commands,
    declarations,
    pollSeconds: config.upstreamPollSeconds,
    allowLocal: config.webhookAllowLocal,
    log: jobLog('upstreams'),
  });
  metrics.collectAtScrape(readScrapeState({ db, clock, site: policy, snapshot, watchdog }));
  // With PROMETHEUS_URL: the catalogue's expressions, checked now (a wrong one stops the start), and their job.
  const monitoring = as(commands, { kind: 'system', job: 'signals' });
  const signals = await setupSignals({
    db,
    clock,
    log: jobLog('signals'),
    prometheus: config.prometheus,
    allowLocal: config.webhookAllowLocal,
    contentDir: config.contentDir,
    onQueryFailed: (kind) => metrics.observeSignalQueryFailed(kind),
    dropAfterMs: config.availabilityDropMs,
    // A service measured down for a while gets a status proposal (applied at once with "autoStatus"); measured up, it resolves.
    onAvailabilityDrop: async (slug, since) => {
      await proposeStatus(monitoring, {
        origin: 'availability',
        key: `availability:${slug}`,
        services: [slug],
        status: 'major_outage',
        source: `availability of ${slug} measured 0 since ${since.toISOString().slice(11, 16)} UTC`,
        reason: '',
      });
      await parts.onAvailabilityDrop?.(slug, since);
    },
    onAvailabilityBack: async (slug) => {
      await proposeStatus(monitoring, {
        origin: 'availability',
        key: `availability:${slug}`,
        services: [slug],
        status: 'operational',
        source: `availability of ${slug}`,
        reason: '',
      });
    },
  });
  const searchGate = searchGateFor({ config, publisher, clock, metrics });
  const app = createApp({
    ...commands,
    searchGate,
    publisher,
    config,
    snapshot,
    renderPage,
    contentDir: config.contentDir,
    escalation,
    intake,
    watchdog,
    metrics,
    mirror,
    signals,
    ...(parts.searchDb ? { searchDb: parts.searchDb } : {}),
    subscriptions: {
      secret: notifications.secret,
      throttle: parts.signupThrottle ?? DEFAULT_SIGNUP_THROTTLE,
      ...(parts.signupThrottle ? { budget: parts.signupThrottle } : {}),
      webhookAllowLocal: config.webhookAllowLocal,
    },
  });

  return {
    app,
    /** Each address's share of the public search: the server refuses an address past it before routing. */
    searchGate,
    publisher,
    commands,
    watchdog,
    maintenance,
    metrics,
    mirror,
    /** The poller of the providers services follow (content/services.json `upstream`). */
    upstreams,
    /** The signals job (PROMETHEUS_URL); null without. */
    signals,
    /** The one delivery queue (the sender job), every feature's lanes registered. */
    sender: delivery,
    /** How mail is composed (links, templates, the signing secret): for tests that run a sender of their own. */
    mailSettings: notifications.compose,
    /**
     * Starts the background jobs — the outbox sender, the freshness watchdog, maintenance
     * transitions, the purge of unconfirmed subscribers, the deadline republisher, the follower
     * of other processes' writes, the poller of upstream providers, the signals from Prometheus.
     * @returns the function that stops them all.
     */
    startJobs(): () => Promise<void> {
      jobsRunning = true;
      armDeadline();
      // A timer counts monotonic time: after the wall clock steps, the deadline's timer is set again from the new wall time.
      let seen: ClockJump | null = clockWatch.last();
      const clockTimer = setInterval(() => {
        clockWatch.check();
        const jump = clockWatch.last();
        if (jump === seen) return;
        seen = jump;
        if (!jump) return;
        jobLog('clock').warn(
          `[Clock] The wall clock jumped ${jump.byMs > 0 ? 'forward' : 'back'} by ${Math.abs(jump.byMs / 1000).toFixed(1)} s. Deadlines are set again from the new time; other senders' notices are left to them for two leases. Check the machine's time synchronisation (NTP).`,
        );
        armDeadline();
      }, CLOCK_CHECK_MS).unref();
      const stops = [
        async () => clearInterval(clockTimer),
        watchdog.start(config.freshness.checkSeconds * 1000),
        delivery.start(),
        maintenance.start(MAINTENANCE_CHECK_MS),
        purge.start(),
        // Other processes on the same database: their writes reach this snapshot within FOLLOW_MS and a render.
        publisher.follow(FOLLOW_MS),
        ...(mirror ? [mirror.start()] : []),
        upstreams.start(),
        // Availability and charts from Prometheus, stored; publishes read only what is stored.
        ...(signals ? [signals.start()] : []),
      ];
      return async () => {
        jobsRunning = false;
        clearTimeout(deadlineTimer);
        for (const stop of stops) await stop();
      };
    },
  };
}

export type Herald = Awaited<ReturnType<typeof assembleHerald>>;
