import type { SiteSettings } from '../content.ts';
import type { Clock } from '../domain/clock.ts';
import type { MaintenanceUpdate, Update } from '../domain/schemas.ts';
import type { Db } from '../db/client.ts';
import { loadIncidents } from '../db/incidents.ts';
import { loadMaintenances } from '../db/maintenance.ts';
import { listGroups, listServiceEvents, listServices } from '../db/services.ts';
import { renderMarkdown } from '../markdown.ts';
import { renderFeed } from './feed.ts';
import { buildSiteModel, FEED_PATH, type SiteModel } from './model.ts';
import type { Snapshot } from './snapshot.ts';
import { statuspageDocuments } from './statuspage.ts';
import { idFromRef } from '../domain/refs.ts';

/**
 * Renders one page of the site from the model; the Astro bundle provides it. `extra` reaches
 * the page as further `Astro.locals` (dynamic pages: the admin desk, subscription pages).
 */
export type PageRenderer = (path: string, model: SiteModel, extra?: Record<string, unknown>) => Promise<string>;

/** Which incident pages a publish must re-render; every other page is always re-rendered. */
export type PublishScope = { incidents: readonly number[] } | 'all';

export type PublishResult = { changed: string[]; model: SiteModel };

export type Publisher = {
  /** Re-renders what `scope` affects and swaps it into the snapshot; resolves once readers see it. */
  publish(scope: PublishScope): Promise<PublishResult>;
  /** The model of the last successful publish, for pages rendered per request. */
  current(): SiteModel | null;
};

export type PublisherDeps = {
  db: Db;
  clock: Clock;
  snapshot: Snapshot;
  /** Null where no Astro bundle is loaded (API tests): feeds and JSON are still published. */
  renderPage: PageRenderer | null;
  settings: SiteSettings;
  publicUrl: string;
  updateIntervalMinutes: number;
  /** Static files (stylesheets, icons) published beside the pages. */
  assets?: ReadonlyMap<string, Buffer>;
  /**
   * Told after each publish when the pages next change by themselves (an open incident's
   * next-update deadline passing), with the open incidents whose pages that changes.
   */
  onNextDeadline?: (at: Date | null, openIncidents: number[]) => void;
};

const HISTORY_LIMIT = 1000;
/** How far back a service page lists status changes made outside incidents. */
const SERVICE_EVENT_DAYS = 90;

/**
 * Builds the publisher. Publishes run one at a time; requests that arrive while one runs
 * are merged into the next, so a burst of writes costs two renders, not one each.
 */
export function createPublisher(deps: PublisherDeps): Publisher {
  // Rendered markdown, by update id and edit time: an unchanged update is never re-rendered.
  const html = new Map<string, string>();
  const renderUpdate = (u: Update): string => {
    const key = `${u.id}:${u.editedAt ?? ''}`;
    let out = html.get(key);
    if (out === undefined) html.set(key, (out = renderMarkdown(u.message)));
    return out;
  };
  // Maintenance updates are numbered apart from incident updates: their own cache.
  const maintenanceHtml = new Map<number, string>();
  const renderMaintenanceUpdate = (u: MaintenanceUpdate): string => {
    let out = maintenanceHtml.get(u.id);
    if (out === undefined) maintenanceHtml.set(u.id, (out = renderMarkdown(u.message)));
    return out;
  };

  async function publishNow(scope: PublishScope): Promise<PublishResult> {
    const now = deps.clock.now();
    const records = await loadIncidents(deps.db, { limit: HISTORY_LIMIT });
    const services = await listServices(deps.db);
    const groups = await listGroups(deps.db);
    const maintenanceRecords = await loadMaintenances(deps.db, { limit: HISTORY_LIMIT });
    const serviceEvents = await listServiceEvents(deps.db, new Date(now.getTime() - SERVICE_EVENT_DAYS * 86_400_000));
    const model = buildSiteModel({
      records,
      services,
      groups,
      serviceEvents,
      settings: deps.settings,
      publicUrl: deps.publicUrl,
      updateIntervalMinutes: deps.updateIntervalMinutes,
      now,
      render: renderUpdate,
      maintenances: { records: maintenanceRecords, render: renderMaintenanceUpdate },
    });
    const files = new Map<string, string | Buffer>(deps.assets ?? []);
    for (const [path, doc] of Object.entries(statuspageDocuments(model))) files.set(path, JSON.stringify(doc));
    files.set(FEED_PATH, renderFeed(model, { feedPath: FEED_PATH }));
    for (const service of model.services) {
      const feedPath = `/services/${service.slug}/feed.xml`;
      files.set(feedPath, renderFeed(model, { serviceSlug: service.slug, feedPath }));
    }
    if (deps.renderPage) {
      const pages = ['/', '/history', ...model.services.map((s) => `/services/${s.slug}`)];
      const wanted = scope === 'all' ? null : new Set(scope.incidents);
      for (const incident of model.incidents) {
        const id = idFromRef('incident', incident.ref);
        if (!wanted || wanted.has(id)) pages.push(`/incidents/${incident.ref}`);
      }
      // Few and small: every maintenance page is re-rendered on every publish.
      for (const maintenance of model.maintenances) pages.push(`/maintenance/${maintenance.ref}`);
      for (const path of pages) files.set(path, await deps.renderPage(path, model));
      files.set('/404.html', await deps.renderPage('/404', model));
    }
    const changed = await deps.snapshot.put(files, now);
    latest = model;
    const open = model.incidents.filter((i) => i.status !== 'resolved').map((i) => idFromRef('incident', i.ref));
    deps.onNextDeadline?.(nextDeadline(model, now), open);
    return { changed, model };
  }

  let latest: SiteModel | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  let waiting: { scope: PublishScope; promise: Promise<PublishResult> } | null = null;
  // What a failed publish did not render yet; the next publish renders it too.
  let owed: PublishScope = { incidents: [] };

  return {
    current: () => latest,
    publish(scope) {
      if (waiting) {
        waiting.scope = mergeScopes(waiting.scope, scope);
        return waiting.promise;
      }
      const entry: { scope: PublishScope; promise: Promise<PublishResult> } = { scope, promise: Promise.resolve() as never };
      entry.promise = chain.then(async () => {
        if (waiting === entry) waiting = null;
        const scope = mergeScopes(owed, entry.scope);
        owed = { incidents: [] };
        try {
          return await publishNow(scope);
        } catch (error) {
          owed = mergeScopes(owed, scope);
          throw error;
        }
      });
      waiting = entry;
      chain = entry.promise.catch(() => undefined);
      return entry.promise;
    },
  };
}

function mergeScopes(a: PublishScope, b: PublishScope): PublishScope {
  if (a === 'all' || b === 'all') return 'all';
  return { incidents: [...new Set([...a.incidents, ...b.incidents])] };
}

/** The next instant an open incident's page must change by itself: its next-update deadline. */
function nextDeadline(model: SiteModel, now: Date): Date | null {
  const upcoming = model.incidents
    .filter((i) => i.nextUpdateDueAt && !i.overdue)
    .map((i) => new Date(i.nextUpdateDueAt as string))
    .filter((d) => d > now)
    .sort((a, b) => a.getTime() - b.getTime());
  return upcoming[0] ?? null;
}
