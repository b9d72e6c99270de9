/**
 * Herald's composition root and the only place that reads the environment, opens the
 * database and starts timers. `npm start` runs it (after `astro build`).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { createDemoAdmin } from './auth/demo-admin.ts';
import { createMailer } from './notify/mailer.ts';
import { mailFrom } from './notify/wire.ts';
import { assembleHerald } from './herald.ts';
import { loadConfig, type Config } from './config.ts';
import { Catalogue, readContent, SiteSettings } from './content.ts';
import { UnavailableError } from './errors.ts';
import type { Log } from './log.ts';
import type { Db } from './db/client.ts';
import { seedDemo } from './demo.ts';
import { openDb } from './db/client.ts';
import { syncCatalogue } from './db/catalogue.ts';
import { migrate } from './db/migrate.ts';
import { systemClock } from './domain/clock.ts';
import { loadAstroRenderer, readClientAssets } from './publish/astro-renderer.ts';
import { serveSnapshotOnly } from './publish/serve-early.ts';
import { Snapshot } from './publish/snapshot.ts';

const ROOT = join(import.meta.dirname, '..');
const RETRY_MS = 5000;


export type Running = { url: string; close(): Promise<void> };

/**
 * Starts Herald. It listens first, serving the snapshot a previous run left on disk, so
 * readers get the last published page while the database is being prepared — and for as
 * long as the database does not answer. Then the whole app takes over.
 */
export async function startHerald(config: Config, log: Log = console): Promise<Running> {
  const clock = systemClock;
  const snapshot = new Snapshot(config.snapshotDir);
  const restored = await snapshot.loadFromDisk();
  let waitingFor = 'Herald is starting.';
  let handle: RequestListener = serveSnapshotOnly(snapshot, () => waitingFor);
  const server = createServer((req, res) => handle(req, res));
  const url = await listen(server, config.host, config.port);
  log.info(`[Herald] Listening at ${url}`);
  // With PORT=0 and no PUBLIC_URL, links must carry the port the server actually got.
  const site: Config = config.publicUrlSet ? config : { ...config, publicUrl: url };
  if (restored) log.info(`[Herald] Serving the last published snapshot (${restored} files) while the database is prepared.`);

  const db = await openDb({ url: site.databaseUrl, authToken: site.databaseAuthToken });
  const settings = await retryWhileUnavailable(() => prepareDatabase(db, site, clock.now(), log), {
    canWait: restored > 0,
    log,
    onWait: (message) => (waitingFor = message),
  });

  const distDir = join(ROOT, 'dist');
  const mailDir = join(dirname(site.snapshotDir), 'mail');
  const mailer = createMailer({ smtpUrl: site.smtpUrl, from: mailFrom(site, settings).from, outboxDir: mailDir, ratePerSecond: site.mailRatePerSecond, log });
  if (mailer.kind === 'files') log.info(`[Mail] No SMTP_URL: mail is written as .eml files under ${mailDir}.`);
  const herald = await assembleHerald({
    config: site,
    db,
    clock,
    log,
    settings,
    snapshot,
    renderPage: await loadAstroRenderer(distDir, site.publicUrl),
    assets: readClientAssets(distDir),
    mailer,
  });
  await herald.publisher.publish('all');
  handle = getRequestListener(herald.app.fetch);
  const stopJobs = herald.startJobs();
  return {
    url,
    close: async () => {
      await stopJobs();
      mailer.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open; in-flight requests have had their chance.
        setTimeout(() => server.closeAllConnections(), 5000).unref();
      });
      db.close();
    },
  };
}

/** Migrations, the catalogue, and (on a new database, with HERALD_DEMO) demo content. */
async function prepareDatabase(db: Db, config: Config, now: Date, log: Log): Promise<SiteSettings> {
  const applied = await migrate(db);
  if (applied.length) log.info(`[Herald] Applied migrations: ${applied.join(', ')}`);
  const catalogue = readContent(config.contentDir, 'services.json', Catalogue);
  const settings = readContent(config.contentDir, 'site.json', SiteSettings);
  const sync = await syncCatalogue(db, catalogue, now);
  if (sync.kept.length) log.warn(`[Catalogue] Kept ${sync.kept.join(', ')}: removed from services.json but named by open incidents.`);
  const seeded = config.demo && (await seedDemo(db, now, { publicUrl: config.publicUrl, updateIntervalMinutes: config.updateIntervalMinutes }, log));
  if (seeded) log.info('[Herald] Empty database: added demo incidents (HERALD_DEMO=false to start empty).');
  // Printed once, by the start that made the database; never again.
  if (config.demo && applied.includes('0001_init.sql')) {
    const admin = await createDemoAdmin(db, now);
    log.info(`[Herald] New database: demo admin ${admin.email} with password ${admin.password} — sign in at ${config.publicUrl}/admin and change it under Account.`);
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

function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
    });
  });
}

if (import.meta.main) {
  let running: Running | undefined;
  // Installed before anything is printed: a SIGTERM that follows "Ready" at once must find it.
  const stop = (signal: string) => {
    console.info(`[Herald] ${signal}: finishing in-flight requests and closing the database.`);
    (running ? running.close() : Promise.resolve()).then(
      () => process.exit(0),
      (error) => {
        console.error('[Herald] Shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  try {
    const config = loadConfig(process.env);
    running = await startHerald(config);
    console.info(`[Herald] Ready at ${running.url} (public URL ${config.publicUrlSet ? config.publicUrl : running.url})`);
    console.info(
      config.adminToken
        ? '[Herald] Admin API: use HERALD_ADMIN_TOKEN as "Authorization: Bearer <token>".'
        : '[Herald] Admin API: make a token with `npm run token -- create NAME` (or set HERALD_ADMIN_TOKEN).',
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
