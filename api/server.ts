/**
 * Herald's composition root and the only place that reads the environment, opens the
 * database and starts timers. `npm start` runs it (after `astro build`).
 */
import { dirname, join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { createDemoAdmin } from './auth/demo-admin.ts';
import { createWatchdog } from './freshness/watchdog.ts';
import { createMailer } from './notify/mailer.ts';
import { setupNotifications } from './notify/wire.ts';
import { loadConfig, type Config } from './config.ts';
import { Catalogue, readContent, SiteSettings } from './content.ts';
import { seedDemo } from './demo.ts';
import { openDb } from './db/client.ts';
import { syncCatalogue } from './db/catalogue.ts';
import { migrate } from './db/migrate.ts';
import { systemClock } from './domain/clock.ts';
import { loadAstroRenderer, readClientAssets } from './publish/astro-renderer.ts';
import { createPublisher } from './publish/publisher.ts';
import { Snapshot } from './publish/snapshot.ts';

const ROOT = join(import.meta.dirname, '..');

export type Running = { url: string; close(): Promise<void> };

export async function startHerald(config: Config, log: Pick<Console, 'info' | 'warn' | 'error'> = console): Promise<Running> {
  const clock = systemClock;
  const snapshot = new Snapshot(config.snapshotDir);
  const restored = await snapshot.loadFromDisk();
  if (restored) log.info(`[Herald] Serving the last published snapshot (${restored} files) until the database answers.`);

  const db = await openDb({ url: config.databaseUrl, authToken: config.databaseAuthToken });
  const applied = await migrate(db);
  if (applied.length) log.info(`[Herald] Applied migrations: ${applied.join(', ')}`);
  const catalogue = readContent(config.contentDir, 'services.json', Catalogue);
  const settings = readContent(config.contentDir, 'site.json', SiteSettings);
  const sync = await syncCatalogue(db, catalogue, clock.now());
  if (sync.kept.length) log.warn(`[Catalogue] Kept ${sync.kept.join(', ')}: removed from services.json but named by open incidents.`);
  const seeded = config.demo && (await seedDemo(db, clock.now(), config.updateIntervalMinutes));
  if (seeded) log.info('[Herald] Empty database: added demo incidents (HERALD_DEMO=false to start empty).');
  // Printed once, by the start that made the database; never again.
  if (config.demo && applied.includes('0001_init.sql')) {
    const admin = await createDemoAdmin(db, clock.now());
    log.info(`[Herald] New database: demo admin ${admin.email} with password ${admin.password} — sign in at ${config.publicUrl}/admin and change it under Account.`);
  }

  const distDir = join(ROOT, 'dist');
  let deadlineTimer: NodeJS.Timeout | undefined;
  const renderPage = await loadAstroRenderer(distDir, config.publicUrl);
  const publisher = createPublisher({
    db,
    clock,
    snapshot,
    renderPage,
    assets: readClientAssets(distDir),
    settings,
    publicUrl: config.publicUrl,
    updateIntervalMinutes: config.updateIntervalMinutes,
    // When a deadline passes, the open incidents' pages must say so: republish them then.
    onNextDeadline: (at, open) => {
      clearTimeout(deadlineTimer);
      if (!at) return;
      const wait = Math.max(0, at.getTime() - clock.now().getTime()) + 100;
      deadlineTimer = setTimeout(() => {
        publisher.publish({ incidents: open }).catch((error) => log.error('[Publish] Deadline republish failed:', error));
      }, Math.min(wait, 2 ** 31 - 1)).unref();
    },
  });
  await publisher.publish('all');

  // Mail for the desk's freshness notices: SMTP_URL, or .eml files beside the snapshot.
  const deskMailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom ?? 'Herald <herald@localhost>', outboxDir: join(dirname(config.snapshotDir), 'outbox'), log });
  const watchdog = createWatchdog({
    db,
    clock,
    site: config,
    policy: config.freshness.escalation,
    deliverers: { mailer: deskMailer, webhookUrl: config.freshness.webhookUrl },
    publisher,
    log,
  });
  // Subscribers: the notifier queues notices inside each incident write; the sender job delivers them.
  const notifications = await setupNotifications({ db, config, clock, settings, log });
  const app = createApp({ db, clock, config, snapshot, publisher, renderPage, log, watchdog, contentDir: config.contentDir, notifier: notifications.notifier, subscriptions: notifications.subscriptions });

  // Background jobs (outbox sender, freshness watchdog, …): each started here, each returns
  // the function that stops it on shutdown.
  const stopJobs: (() => void | Promise<void>)[] = [];
  stopJobs.push(watchdog.start(config.freshness.checkSeconds * 1000), () => deskMailer.close());
  stopJobs.push(notifications.startSender());
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return {
    url,
    close: async () => {
      clearTimeout(deadlineTimer);
      for (const stop of stopJobs) await stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open; in-flight requests have had their chance.
        setTimeout(() => (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.(), 5000).unref();
      });
      db.close();
    },
  };
}

if (import.meta.main) {
  try {
    const config = loadConfig(process.env);
    const running = await startHerald(config);
    console.info(`[Herald] Listening at ${running.url} (public URL ${config.publicUrl})`);
    console.info(
      config.adminToken
        ? '[Herald] Admin API: use HERALD_ADMIN_TOKEN as "Authorization: Bearer <token>".'
        : '[Herald] Admin API: make a token with `npm run token -- create NAME` (or set HERALD_ADMIN_TOKEN).',
    );
    const stop = (signal: string) => {
      console.info(`[Herald] ${signal}: finishing in-flight requests and closing the database.`);
      running.close().then(
        () => process.exit(0),
        (error) => {
          console.error('[Herald] Shutdown failed:', error);
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
