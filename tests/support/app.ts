import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../api/platform/config.ts';
import { Catalogue, readContent, SiteSettings } from '../../api/platform/content.ts';
import { openDb, type Db } from '../../api/platform/db/client.ts';
import { syncCatalogue } from '../../api/features/services/catalogue.ts';
import { migrate } from '../../api/platform/db/migrate.ts';
import { type Clock, manualClock } from '../../api/platform/clock.ts';
import { assembleHerald } from '../../api/assemble.ts';
import { silentLog, type Log } from '../../api/platform/log/log.ts';
import { createMailer, type Mailer } from '../../api/platform/delivery/mailer.ts';
import { mailFrom } from '../../api/features/notices/wire.ts';
import type { PageRenderer } from '../../api/site/publisher.ts';
import { Snapshot } from '../../api/site/snapshot.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const LINK_SECRET = 'test-link-secret-0123456789abcdef0123456789';
export const CONTENT_DIR = join(import.meta.dirname, '..', '..', 'content');
export const PUBLIC_URL = 'https://status.example.test';

export type TestAppOptions = {
  start?: string;
  /** The clock the app runs on; a manual one standing at `start` unless a test brings one that moves. */
  clock?: Clock & { advance(ms: number): void; set(at: string | Date): void };
  /** The built Astro bundle's renderer (pages and the desk); null: feeds and JSON only. */
  renderPage?: PageRenderer | null;
  /** Settings as the environment would give them (README's table), over the test defaults. */
  env?: Record<string, string>;
  /** Where mail goes; .eml files in a temporary directory unless a test brings an SMTP server. */
  mailer?: Mailer;
  signupThrottle?: { limit: number; windowMs: number };
  /** Where the site is published; in memory only (no directory) unless a test needs the files. */
  snapshot?: Snapshot;
  /** Where Herald's log lines go; nowhere unless a test reads them. */
  log?: Log;
};

/**
 * Herald as production assembles it (api/assemble.ts), on `:memory:` libSQL with a manual clock
 * and the shipped catalogue; background jobs are not started — a test ticks them itself.
 */
export async function makeTestApp(options: TestAppOptions = {}) {
  const clock = options.clock ?? manualClock(options.start ?? '2026-03-10T12:00:00.000Z');
  const config = loadConfig({
    PUBLIC_URL,
    HERALD_ADMIN_TOKEN: ADMIN_TOKEN,
    HERALD_SECRET: LINK_SECRET,
    CONTENT_DIR,
    DATABASE_URL: ':memory:',
    SNAPSHOT_DIR: join(mkdtempSync(join(tmpdir(), 'herald-test-')), 'snapshot'),
    ...options.env,
  });
  const db: Db = await openDb({ url: config.databaseUrl });
  await migrate(db);
  await syncCatalogue(db, readContent(config.contentDir, 'services.json', Catalogue), clock.now());
  const settings = readContent(config.contentDir, 'site.json', SiteSettings);
  const snapshot = options.snapshot ?? new Snapshot(null);
  const mailer = options.mailer ?? createMailer({ from: mailFrom(config, settings).from, outboxDir: join(config.snapshotDir, '..', 'mail') });
  const herald = await assembleHerald({
    config,
    db,
    clock,
    log: options.log ?? silentLog,
    settings,
    snapshot,
    renderPage: options.renderPage ?? null,
    assets: new Map(),
    mailer,
    ...(options.signupThrottle ? { signupThrottle: options.signupThrottle } : {}),
  });
  await herald.publisher.publish('all');
  const { app, publisher } = herald;
  const call = jsonCaller(app);
  return { app, db, clock, snapshot, publisher, call, herald, config, settings, mailer };
}

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>;

/** A JSON request to `app`, as the admin unless `token` says otherwise (null: no header). */
export function jsonCaller(app: { request(path: string, init: RequestInit): Response | Promise<Response> }) {
  return async (method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: response.status, json, text, headers: response.headers };
  };
}
