/**
 * Herald's composition root and the only place that reads the environment, opens the
 * database and starts timers. `npm start` runs it compiled (`npm run build` makes
 * `build/api/server.js` and the Astro bundle in `dist/`).
 */
import { createServer, type RequestListener } from 'node:http';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { createDemoAdmin } from './features/access/index.ts';
import { createMailer } from './platform/delivery/mailer.ts';
import { mailFrom } from './features/notices/index.ts';
import { assembleHerald } from './assemble.ts';
import { configSecrets, loadConfig, type Config } from './platform/config.ts';
import { Catalogue, loadMessages, readContent, SiteSettings } from './platform/content.ts';
import { UnavailableError } from './shared/errors.ts';
import { childLog, type Log } from './platform/log/log.ts';
import { listen } from './platform/http/listen.ts';
import { observeRequests } from './platform/http/observe.ts';
import { createAccessLog, createLogger, toLog, type AccessEntry, type LogFormat } from './platform/log/logger.ts';
import { createReadTally } from './platform/log/reads.ts';
import { createMetrics, type Metrics } from './features/health/index.ts';
import { databaseFile, holdPidFile } from './platform/ops/pidfile.ts';
import { DATABASE_NOTE, discardSnapshotDir, publishedFrom, type DatabaseNote } from './platform/ops/snapshot-dir.ts';
import { createdSince, databaseIdentity } from './platform/db/identity.ts';
import { watchDatabase } from './platform/db/watch.ts';
import type { Db } from './platform/db/client.ts';
import { seedDemo } from './demo.ts';
import { openDb } from './platform/db/client.ts';
import { syncCatalogue } from './features/services/index.ts';
import { migrate } from './platform/db/migrate.ts';
import { systemClock } from './platform/clock.ts';
import { bundleId, loadAstroRenderer, readClientAssets } from './site/astro-renderer.ts';
import { serveSnapshotOnly } from './site/serve-early.ts';
import { serveFromSnapshot } from './site/serve-raw.ts';
import type { SearchGate } from './site/search-gate.ts';
import { Snapshot } from './site/snapshot.ts';
import { ROOT } from './platform/paths.ts';
import { isEntryScript, nodeProblem, requiredNode } from './platform/runtime.ts';

const RETRY_MS = 5000;
/** SIGTERM to exit, at most; in-flight work gets all of it but a margin to close the database. */
const SHUTDOWN_MS = 10_000;
const DRAIN_MS = 8000;
/** How often the database's file and locks are looked at for the log (/healthz looks on each request). */
const DB_WATCH_MS = 5000;
/** How often the published files answered are summed into one log line (LOG_READS=summary). */
const READS_EVERY_MS = 10_000;

/**
 * How long a client may take, chosen rather than inherited (docs/deploying.md). Node's
 * defaults let a client drip its headers for 60 s and a request last 5 min, each holding a
 * connection, and enforce both only every 30 s. Herald's requests are small (no body over
 * 256 KiB), so a client that needs longer is stalling, or stalling on purpose (slow loris).
 */
const SERVER_TIMEOUTS = {
  /** From the first byte to the end of the headers; past it, 408 and the connection is closed. */
  headersTimeout: 10_000,
  /** From the first byte to the end of the body. */
  requestTimeout: 30_000,
  /** An idle keep-alive connection is closed after this (Node's default, kept on purpose: see docs/deploying.md). */
  keepAliveTimeout: 5_000,
  /** How often the two timeouts above are enforced (Node's default, 30 s, would let them run 30 s over). */
  connectionsCheckingInterval: 1_000,
} as const;

export type Running = { url: string; close(): Promise<void> };

export type StartOptions = {
  /** Requests are counted into it from the first one, the snapshot-only phase included. */
  metrics?: Metrics;
  /**
   * Whether a secret meant for the operator's eyes (the demo admin's password) may be printed:
   * on a terminal, yes; into a JSON log that a collector keeps, never.
   */
  terminal?: boolean;
  /** With LOG_READS=each, the access log's fast line for published files, in the root log's format (`createAccessLog`). */
  accessLog?: (entry: AccessEntry) => void;
};

/**
 * Starts Herald. It listens first, serving the snapshot a previous run left on disk, so
 * readers get the last published page while the database is being prepared — and for as
 * long as the database does not answer. Then the whole app takes over.
 */
async function startHerald(config: Config, rootLog: Log = console, options: StartOptions = {}): Promise<Running> {
  const log = childLog(rootLog, { job: 'server' });
  const metrics = options.metrics ?? createMetrics();
  const clock = systemClock;
  const startedAt = clock.now();
  // The operator's files are checked before anything listens: a bad link or slug stops the start.
  const content = {
    catalogue: readContent(config.contentDir, 'services.json', Catalogue),
    settings: readContent(config.contentDir, 'site.json', SiteSettings),
  };
  // So is the message catalogue of the site's language: a missing key stops the start, named.
  const messages = loadMessages(config.contentDir, content.settings.language);
  // A snapshot published from a database that is gone is not served even while this one opens.
  const dbFile = databaseFile(config.databaseUrl);
  if (dbFile && !existsSync(dbFile) && publishedFrom(config.snapshotDir))
    discardStaleSnapshot(config.snapshotDir, 'a database file that no longer exists', log, clock.now());
  const snapshotLog = childLog(rootLog, { job: 'snapshot' });
  let snapshot = new Snapshot(config.snapshotDir, { log: snapshotLog });
  const restored = await snapshot.loadFromDisk();
  let waitingFor = 'Herald is starting.';
  let handle: RequestListener = serveSnapshotOnly(snapshot, () => waitingFor);
  let searchGate: SearchGate | undefined;
  // Published files answered are summed into a line every 10 s, or (LOG_READS=each) logged one by one.
  const tally = config.logReads === 'summary' ? createReadTally(childLog(rootLog, { job: 'access' }), () => clock.now().getTime()) : undefined;
  const summing = tally && setInterval(() => tally.flush(), READS_EVERY_MS).unref();
  // Requests are logged with their id (and their lines carry it) by the listener itself.
  // Published files are answered first, before any routing: a lookup and a write.
  const server = createServer(
    SERVER_TIMEOUTS,
    observeRequests(
      { log: rootLog, observe: (sample) => metrics.observeRequest(sample), reads: tally ? tally.add : options.accessLog },
      // Then an address past its share of the search, refused as cheaply (once the app is up).
      (req, res, requestId) => {
        const served = serveFromSnapshot(snapshot, req, res, requestId);
        return served !== false || !searchGate ? served : searchGate.refuseEarly(req, res, requestId);
      },
      (req, res) => handle(req, res),
    ),
  );
  const listening = await listen(server, config.host, config.port, config.listenSockets);
  const url = listening.url;
  log.info(`[Herald] Listening at ${url}`);
  if (listening.sockets > 1) {
    log.warn(
      `[Herald] LISTEN_SOCKETS=${listening.sockets}: the port is shared with SO_REUSEPORT, so any other process running as this user can bind it too and silently answer some readers. Unset LISTEN_SOCKETS unless nothing else runs as this user.`,
    );
  }
  if (listening.fallback) log.warn(`[Herald] ${listening.fallback}.`);
  // With PORT=0 and no PUBLIC_URL, links must carry the port the server actually got.
  const site: Config = config.publicUrlSet ? config : { ...config, publicUrl: url };
  if (restored) log.info(`[Herald] Serving the last published snapshot (${restored} files) while the database is prepared.`);

  const db = await openDb({ url: site.databaseUrl, authToken: site.databaseAuthToken });
  // Beside the database: `npm run restore` refuses to replace a database a running Herald holds.
  const releasePidFile = dbFile ? holdPidFile(dbFile, clock.now()) : () => {};
  const settings = await retryWhileUnavailable(() => prepareDatabase(db, site, content, clock.now(), log, options.terminal ?? true), {
    canWait: restored > 0,
    log,
    onWait: (message) => (waitingFor = message),
  });
  // Pages published from another database (restored, or deleted and made anew) are not this one's.
  // A snapshot that names none (an older Herald's, an export's) is taken as this database's,
  // unless this start has just made the database.
  const identity = await databaseIdentity(db);
  const from = publishedFrom(site.snapshotDir);
  if (restored > 0 && (from ? from !== identity : await createdSince(db, startedAt))) {
    discardStaleSnapshot(site.snapshotDir, from ? 'another database' : 'a database that is gone (this one is new)', log, clock.now());
    snapshot = new Snapshot(site.snapshotDir, { log: snapshotLog });
    handle = serveSnapshotOnly(snapshot, () => waitingFor);
  }
  if (identity) await snapshot.writeNote(DATABASE_NOTE, { id: identity } satisfies DatabaseNote);
  // What /healthz says of the database (a lock held elsewhere, its file deleted or replaced) goes to the log too.
  const stopWatchingDb = watchDatabase(db, childLog(rootLog, { job: 'database' }), DB_WATCH_MS);

  // Searches read through the one connection. A second, query-only connection to the same file
  // lost every write of the process at shutdown (tests/faults/db-locked.test.ts reads the
  // file afterwards); the search cache, throttle and budget keep searches off the writers' backs.
  const searchDb = db;

  const distDir = join(ROOT, 'dist');
  const mailDir = join(dirname(site.snapshotDir), 'mail');
  const sender = mailFrom(site, settings);
  if (sender.warning && site.smtpUrl) log.warn(sender.warning);
  const mailer = createMailer({
    smtpUrl: site.smtpUrl,
    from: sender.from,
    outboxDir: mailDir,
    ratePerSecond: site.mailRatePerSecond,
    maxConnections: site.smtpPoolSize,
    log: childLog(rootLog, { job: 'mail' }),
  });
  if (mailer.kind === 'files') log.info(`[Mail] No SMTP_URL: mail is written as .eml files under ${mailDir}.`);
  const herald = await assembleHerald({
    config: site,
    db,
    searchDb,
    clock,
    log: rootLog,
    settings,
    messages,
    snapshot,
    metrics,
    renderPage: await loadAstroRenderer(distDir, site.publicUrl),
    assets: readClientAssets(distDir),
    buildId: bundleId(distDir),
    mailer,
  });
  // The live pages now; a snapshot from an older run is caught up, a missing one rendered in the background.
  await herald.publisher.resume();
  handle = getRequestListener(herald.app.fetch);
  searchGate = herald.searchGate;
  const stopJobs = herald.startJobs();
  let closing: Promise<void> | undefined;
  return {
    url,
    /**
     * Stops accepting, lets in-flight requests and the sender's current batch finish (for at
     * most 8 s: a batch cut short is delivered again when its lease runs out), then closes the
     * database. Bounded, so SIGTERM exits within SHUTDOWN_MS.
     */
    close: () =>
      (closing ??= (async () => {
        const serverClosed = listening.close();
        // Idle keep-alive connections would hold close() open; close each as it goes idle.
        const idle = setInterval(() => server.closeIdleConnections(), 100);
        server.closeIdleConnections();
        // The snapshot directory gets what is still pending for it, unless its disk is failing.
        const drained = Promise.all([serverClosed, stopJobs()])
          .then(() => snapshot.mirrored())
          .then(() => true);
        let timer: NodeJS.Timeout | undefined;
        const inTime = await Promise.race([drained, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), DRAIN_MS)))]);
        clearTimeout(timer);
        clearInterval(idle);
        if (!inTime) {
          log.warn(`[Herald] In-flight work did not finish within ${DRAIN_MS / 1000} s; closing the remaining connections.`);
          server.closeAllConnections();
        }
        clearInterval(summing);
        stopWatchingDb();
        tally?.flush();
        mailer.close();
        db.close();
        releasePidFile();
      })()),
  };
}

/** Removes a snapshot published from another database, and says so; a directory that is not a snapshot is left, with a warning. */
function discardStaleSnapshot(dir: string, publishedFrom: string, log: Log, now: Date): void {
  const result = discardSnapshotDir(dir, now);
  if (result.discarded)
    log.warn(`[Publish] The snapshot in ${dir} was published from ${publishedFrom}: removed; every page is published again from this database.`);
  else if (result.reason) log.warn(`[Publish] The snapshot in ${dir} was published from ${publishedFrom}, but it was kept: ${result.reason}.`);
}

/** Migrations, the catalogue, and (on a new database, with HERALD_DEMO) demo content. */
async function prepareDatabase(
  db: Db,
  config: Config,
  { catalogue, settings }: { catalogue: Catalogue; settings: SiteSettings },
  now: Date,
  log: Log,
  terminal: boolean,
): Promise<SiteSettings> {
  const applied = await migrate(db);
  if (applied.length) log.info(`[Herald] Applied migrations: ${applied.join(', ')}`);
  const sync = await syncCatalogue(db, catalogue, now);
  if (sync.kept.length) log.warn(`[Catalogue] Kept ${sync.kept.join(', ')}: removed from services.json but named by open incidents.`);
  const seeded = config.demo && (await seedDemo(db, now, { publicUrl: config.publicUrl, updateIntervalMinutes: config.updateIntervalMinutes }, log));
  if (seeded) log.info('[Herald] Empty database: added demo incidents (HERALD_DEMO=false to start empty).');
  // Printed once, by the start that made the database; never again.
  if (config.demo && applied.includes('0001_init.sql')) {
    const admin = await createDemoAdmin(db, now);
    // A password is for the operator's eyes, not for a log collector: JSON logs never carry it.
    if (terminal)
      log.info(
        `[Herald] New database: demo admin ${admin.email} with password ${admin.password} — sign in at ${config.publicUrl}/admin and change it under Account.`,
      );
    else
      log.info(
        `[Herald] New database: demo admin ${admin.email} created; its password is not logged (LOG_FORMAT=json). Set one with \`npm run user -- password ${admin.email}\`.`,
      );
  }
  return settings;
}

/**
 * Runs `work` until the database answers. Waiting only makes sense when there is a snapshot
 * to serve meanwhile; with none, an unreachable database stops the start with its error.
 */
async function retryWhileUnavailable<T>(work: () => Promise<T>, options: { canWait: boolean; log: Log; onWait: (message: string) => void }): Promise<T> {
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof UnavailableError) || !options.canWait) throw error;
      const message = 'The database does not answer yet; Herald retries every 5 s.';
      options.onWait(message);
      options.log.warn(`[Herald] ${message} (${error.message})`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

/** LOG_FORMAT, or pretty on a terminal and JSON anywhere else (a container, systemd, a pipe). */
export function logFormat(config: Pick<Config, 'logFormat'>, stdoutIsTty: boolean): LogFormat {
  return config.logFormat ?? (stdoutIsTty ? 'pretty' : 'json');
}

// Before anything else: on a Node that cannot run Herald, say which one it needs and stop.
// (Node 20 has no import.meta.main: without this the server would load, do nothing and exit 0.)
const unsupported = nodeProblem(process.versions.node, requiredNode());
if (unsupported && isEntryScript(import.meta.url)) {
  console.error(unsupported);
  process.exit(1);
}

if (import.meta.main) {
  let running: Running | undefined;
  let log: Log = console;
  // Installed before anything is printed: a SIGTERM that follows "Ready" at once must find it.
  const stop = (signal: string) => {
    log.info(`[Herald] ${signal}: finishing in-flight requests and the current delivery batch, then closing the database.`);
    // Whatever happens, the process is gone within SHUTDOWN_MS of the signal.
    setTimeout(() => {
      log.error(`[Herald] Shutdown took over ${SHUTDOWN_MS / 1000} s; exiting anyway.`);
      process.exit(1);
    }, SHUTDOWN_MS).unref();
    (running ? running.close() : Promise.resolve()).then(
      () => {
        log.info('[Herald] Stopped.');
        process.exit(0);
      },
      (error) => {
        log.error('[Herald] Shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  try {
    const config = loadConfig(process.env);
    const format = logFormat(config, process.stdout.isTTY === true);
    const root = toLog(createLogger({ format, secrets: configSecrets(config) }));
    log = childLog(root, { job: 'server' });
    running = await startHerald(config, root, { terminal: format === 'pretty', accessLog: createAccessLog({ format }) });
    log.info(`[Herald] Ready at ${running.url} (public URL ${config.publicUrlSet ? config.publicUrl : running.url})`);
    log.info(
      config.adminToken
        ? '[Herald] Admin API: use HERALD_ADMIN_TOKEN as "Authorization: Bearer <token>".'
        : '[Herald] Admin API: make a token with `npm run token -- create NAME` (or set HERALD_ADMIN_TOKEN).',
    );
  } catch (error) {
    // A bad configuration fails before the log exists: say it in the format the log would have had.
    if (log === console) {
      const format = process.env.LOG_FORMAT === 'pretty' || (!process.env.LOG_FORMAT && process.stdout.isTTY) ? 'pretty' : 'json';
      log = childLog(toLog(createLogger({ format, secrets: [] })), { job: 'server' });
    }
    log.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
