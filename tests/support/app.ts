import { join } from 'node:path';
import { createApp } from '../../api/app.ts';
import { Catalogue, readContent, SiteSettings } from '../../api/content.ts';
import { openDb, type Db } from '../../api/db/client.ts';
import { syncCatalogue } from '../../api/db/catalogue.ts';
import { migrate } from '../../api/db/migrate.ts';
import { manualClock } from '../../api/domain/clock.ts';
import { createPublisher, type PageRenderer } from '../../api/publish/publisher.ts';
import { Snapshot } from '../../api/publish/snapshot.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const CONTENT_DIR = join(import.meta.dirname, '..', '..', 'content');
export const PUBLIC_URL = 'https://status.example.test';

/**
 * Herald's app as production builds it, on `:memory:` libSQL with a manual clock and the
 * shipped catalogue. Pages are not rendered (no Astro bundle) unless a renderer is given;
 * feeds and JSON always are.
 */
export async function makeTestApp(options: { start?: string; renderPage?: PageRenderer | null; updateIntervalMinutes?: number } = {}) {
  const clock = manualClock(options.start ?? '2026-03-10T12:00:00.000Z');
  const db: Db = await openDb({ url: ':memory:' });
  await migrate(db);
  await syncCatalogue(db, readContent(CONTENT_DIR, 'services.json', Catalogue), clock.now());
  const snapshot = new Snapshot(null);
  const config = { publicUrl: PUBLIC_URL, adminToken: ADMIN_TOKEN, updateIntervalMinutes: options.updateIntervalMinutes ?? 30 };
  const publisher = createPublisher({
    db,
    clock,
    snapshot,
    renderPage: options.renderPage ?? null,
    settings: readContent(CONTENT_DIR, 'site.json', SiteSettings),
    publicUrl: PUBLIC_URL,
    updateIntervalMinutes: config.updateIntervalMinutes,
  });
  await publisher.publish('all');
  const silent = { info() {}, warn() {}, error() {} };
  const app = createApp({ db, clock, config, snapshot, publisher, log: silent });

  const call = jsonCaller(app);
  return { app, db, clock, snapshot, publisher, call };
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
