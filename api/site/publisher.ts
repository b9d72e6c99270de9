import { createHash } from 'node:crypto';
import type { PublishScope } from '../platform/commands.ts';
import type { Log } from '../platform/log/log.ts';
import type { SiteSettings } from '../platform/content.ts';
import { ENGLISH, type Messages } from '../shared/messages.ts';
import type { Clock } from '../platform/clock.ts';
import type { MaintenanceUpdate, Update } from '../shared/schemas.ts';
import type { Db } from '../platform/db/client.ts';
import { loadIncidents } from '../features/incidents/index.ts';
import { loadMaintenances } from '../features/maintenance/index.ts';
import {
  allHistoryMonths,
  allMaintenanceIds,
  changesSince,
  currentPublishSeq,
  incidentIdsBefore,
  incidentPlacement,
  lastChangeAt,
  liveIncidentIds,
  maintenanceServiceIds,
  prunePublishLog,
  type LoggedChange,
} from './store.ts';
import { listGroups, listServiceEvents, listServices, type ServiceRow } from '../features/services/index.ts';
import { loadUptimeHistory, type UptimeHistory } from '../features/services/index.ts';
import { createUptimeMemo, nextUptimeRollover, uptimeWindowStart, type Uptime } from '../features/services/index.ts';
import { renderMarkdown } from '../platform/markdown.ts';
import { buildSiteModel, type SiteModel } from './model.ts';
import { planTargets, type Placement, type Target } from './targets.ts';
import { renderTargets, type PageRenderer } from './render.ts';
import type { Effort, Snapshot } from './snapshot.ts';

export type { PageRenderer } from './render.ts';

/** Incidents a publish must re-render beyond what the publish log says; 'all' re-renders the whole site. */
export type { PublishScope };

export type PublishResult = { changed: string[]; model: SiteModel };

export type Publisher = {
  /**
   * Re-renders what changed since the last publish (the publish log says what, whichever
   * process wrote it) plus `scope`, and swaps it into the snapshot; resolves once readers see it.
   */
  publish(scope: PublishScope): Promise<PublishResult>;
  /** The model of the last successful publish, for pages rendered per request. */
  current(): SiteModel | null;
  /**
   * Brings the snapshot up to date at start. A snapshot a previous run completed is caught up
   * from the publish log; otherwise the live pages are published now and every other page in
   * the background, in batches between other publishes, with progress in the log.
   */
  resume(): Promise<PublishResult>;
  /** Resolves when no background rendering is left (tests, the export). */
  idle(): Promise<void>;
  /**
   * Polls the publish sequence every `intervalMs` and publishes (through `publish`, this
   * publisher's own by default) what other processes wrote; returns the stop function.
   */
  follow(intervalMs: number, publish?: (scope: PublishScope) => Promise<unknown>): () => Promise<void>;
};

export type PublisherDeps = {
  db: Db;
  clock: Clock;
  snapshot: Snapshot;
  /** Null where no Astro bundle is loaded (API tests): feeds and JSON are still published. */
  renderPage: PageRenderer | null;
  settings: SiteSettings;
  /** The words customers read (content/messages/); English as shipped when absent. */
  messages?: Messages;
  publicUrl: string;
  updateIntervalMinutes: number;
  /** Static files (stylesheets, icons) published beside the pages. */
  assets?: ReadonlyMap<string, Buffer>;
  /** Names the page bundle: a snapshot rendered by another build is rendered again. */
  buildId?: string;
  log: Log;
  /**
   * Told after each publish when the pages next change by themselves (an open incident's
   * next-update deadline passing, or UTC midnight moving the uptime bars), with the open
   * incidents whose pages that changes. A service page is re-rendered whenever its bars changed.
   */
  onNextDeadline?: (at: Date | null, openIncidents: number[]) => void;
};

/** How far back a service page lists status changes made outside incidents. */
const SERVICE_EVENT_DAYS = 90;
/** The home page lists incidents resolved this recently. */
const RECENT_DAYS = 7;
/** The newest incidents and windows the live pages and JSON show. */
const LIVE_NEWEST = 50;
/** Incidents rendered per batch of a full publish; a write's publish waits at most one batch. */
const BATCH = 200;
/** Publish-log rows kept; a process further behind (a snapshot restored from long ago) renders everything. */
const LOG_KEPT = 100_000;
const PRUNE_EVERY_MS = 10 * 60_000;

type Note = { seq: number; catalogue: string; overall: string; uptime?: Record<number, string>; build: string; site: string; complete: boolean };

/**
 * Builds the publisher. Publishes run one at a time; requests that arrive while one runs
 * are merged into the next, so a burst of writes costs two renders, not one each.
 */
export function createPublisher(deps: PublisherDeps): Publisher {
  const { log } = deps;
  const site = { publicUrl: deps.publicUrl, updateIntervalMinutes: deps.updateIntervalMinutes };
  const messages = deps.messages ?? ENGLISH;
  // Another language, or an edited catalogue, changes every page: it is part of what the site is.
  const siteKey = hash([deps.publicUrl, deps.settings, deps.updateIntervalMinutes, messages.catalogue]);
  const build = deps.buildId ?? '';
  // Rendered markdown, by update id and edit time: an unchanged update is never re-rendered.
  const html = boundedCache<string>(20_000);
  const renderUpdate = (u: Update): string => html(`${u.id}:${u.editedAt ?? ''}`, () => renderMarkdown(u.message));
  // Maintenance updates are numbered apart from incident updates: their own keys.
  const renderMaintenanceUpdate = (u: MaintenanceUpdate): string => html(`m${u.id}`, () => renderMarkdown(u.message));

  /** The last seq published (-1: nothing yet), and what the pages published then showed of the whole site. */
  let published: { seq: number; catalogue: string; overall: string; uptime: Record<number, string> } = { seq: -1, catalogue: '', overall: '', uptime: {} };
  let complete = false;
  let latest: SiteModel | null = null;
  const monthCounts = new Map<string, number>();
  const uptimeOf = createUptimeMemo();

  /**
   * Each listed service's uptime history (api/features/services/uptime-store.ts) as last read, by slug, and the day
   * its window starts: at 200 services, 90 days of changes are thousands of rows, the most of a
   * publish's reading. A publish reads again only the services the publish log says were
   * written since the last one; a new day, or no log to go by, reads them all. After each publish
   * it holds at least every write up to the sequence published.
   */
  let uptimeRead: { since: number; bySlug: Map<string, UptimeHistory> } | null = null;
  async function uptimeHistory(now: Date, services: ServiceRow[], written: ReadonlySet<number> | 'all'): Promise<Map<string, UptimeHistory>> {
    const since = uptimeWindowStart(now);
    if (written === 'all' || uptimeRead?.since !== since.getTime()) {
      uptimeRead = { since: since.getTime(), bySlug: await loadUptimeHistory(deps.db, since) };
      return uptimeRead.bySlug;
    }
    const { bySlug } = uptimeRead;
    const stale = services.filter((s) => written.has(s.id) || !bySlug.has(s.slug));
    for (const [slug, history] of await loadUptimeHistory(deps.db, since, stale.map((s) => s.id))) bySlug.set(slug, history);
    return bySlug;
  }

  /** The live model; `written`: the services whose uptime history may have changed since the last publish. */
  async function loadModel(now: Date, written: ReadonlySet<number> | 'all' = new Set()) {
    const services = await listServices(deps.db);
    const groups = await listGroups(deps.db);
    const live = await liveIncidentIds(deps.db, new Date(now.getTime() - RECENT_DAYS * 86_400_000), LIVE_NEWEST);
    const ids = [...new Set([...live.open, ...live.recent, ...live.newest])];
    const records = (await loadIncidents(deps.db, { ids, limit: ids.length || 1 })).sort(
      (a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : b.id - a.id),
    );
    const maintenanceRecords = new Map(
      [
        ...(await loadMaintenances(deps.db, { limit: LIVE_NEWEST })),
        ...(await loadMaintenances(deps.db, { state: 'active', limit: LIVE_NEWEST })),
        ...(await loadMaintenances(deps.db, { state: 'upcoming', limit: LIVE_NEWEST })),
      ].map((m) => [m.id, m]),
    );
    const serviceEvents = await listServiceEvents(deps.db, new Date(now.getTime() - SERVICE_EVENT_DAYS * 86_400_000));
    const uptime = await uptimeHistory(now, services, written);
    const model = buildSiteModel({
      records,
      services,
      groups,
      serviceEvents,
      uptime,
      uptimeOf,
      settings: deps.settings,
      messages,
      publicUrl: deps.publicUrl,
      updateIntervalMinutes: deps.updateIntervalMinutes,
      now,
      render: renderUpdate,
      lastChangeAt: await lastChangeAt(deps.db),
      maintenances: {
        records: [...maintenanceRecords.values()].sort((a, b) => (a.scheduledFor < b.scheduledFor ? 1 : a.scheduledFor > b.scheduledFor ? -1 : b.id - a.id)),
        render: renderMaintenanceUpdate,
      },
    });
    const liveMaintenances = [...maintenanceRecords.values()].filter((m) => m.status !== 'completed').map((m) => m.id);
    return { model, services, open: live.open, liveMaintenances };
  }

  /** What every page shows of the catalogue (names, groups, order) and of the overall status. */
  const catalogueKey = (services: ServiceRow[], model: SiteModel) =>
    hash([services.map((s) => [s.id, s.slug, s.name, s.group, s.groupName, s.order]), model.groups.map((g) => [g.slug, g.name])]);
  const overallKey = (model: SiteModel) => hash(model.overall);
  /** What each service's page shows of its uptime, by service id; days remembered between publishes are hashed once. */
  const uptimeKeys = (services: ServiceRow[], model: SiteModel): Record<number, string> =>
    Object.fromEntries(services.map((s) => [s.id, uptimeKey(model.uptime[s.slug])]));
  const dayHashes = new WeakMap<Uptime['days'], string>();
  const uptimeKey = (uptime: Uptime | undefined): string => {
    if (!uptime) return hash(null);
    let days = dayHashes.get(uptime.days);
    if (days === undefined) dayHashes.set(uptime.days, (days = hash(uptime.days)));
    return `${days}:${uptime.percent}`;
  };

  async function render(now: Date, model: SiteModel, services: ServiceRow[], targets: Iterable<Target>, effort: Effort): Promise<string[]> {
    const files = new Map<string, string | Buffer>();
    const byId = new Map(services.map((s) => [s.id, { slug: s.slug, name: s.name }]));
    await renderTargets(
      { db: deps.db, now, model, services: { byId }, renderPage: deps.renderPage, renderUpdate, renderMaintenanceUpdate, site, monthCounts },
      targets,
      files,
    );
    // Brotli's best quality costs ~30× its quality 5 for a few per cent fewer bytes: only the
    // home page, by far the most read, is worth it on the way to a write's 201.
    return deps.snapshot.put(files, now, effort === 'best' ? (path) => (path === '/' ? 'best' : 'fast') : effort);
  }

  /** One incremental publish: the live pages, and what the log and `requested` say changed. */
  async function publishNow(requested: readonly number[], wantAll: boolean): Promise<PublishResult> {
    const now = deps.clock.now();
    const seq = await currentPublishSeq(deps.db);
    const changes: LoggedChange[] | null = published.seq < 0 ? null : await changesSince(deps.db, published.seq, seq);
    const changedIds = [...new Set([...(changes ?? []).filter((c) => c.entity === 'incident').map((c) => c.id), ...requested])];
    const placements = await incidentPlacement(deps.db, changedIds);
    const { model, services, open, liveMaintenances } = await loadModel(now, wantAll || changes === null ? 'all' : writtenServices(changes, placements));
    const catalogue = catalogueKey(services, model);
    const overall = overallKey(model);
    // The bars move by themselves (at UTC midnight, as an open outage goes on): a page whose bars changed is re-rendered.
    const uptime = uptimeKeys(services, model);
    const everything = wantAll || changes === null || catalogue !== published.catalogue;
    const targets = planTargets({
      changes: changes ?? [],
      requested,
      placements,
      openIncidents: open,
      liveMaintenances,
      maintenanceServices: await maintenanceServiceIds(deps.db, [...new Set((changes ?? []).filter((c) => c.entity === 'maintenance').map((c) => c.id))]),
      serviceIds: services.map((s) => s.id),
      // With everything to render, service pages go with the archive (all of them, in batches): the live pages first.
      overallChanged: !everything && overall !== published.overall,
      uptimeChanged: everything ? [] : services.filter((s) => uptime[s.id] !== published.uptime[s.id]).map((s) => s.id),
    });
    // With everything to render (a fresh start), the home page goes out on its own first: readers get it soonest.
    const changed = everything && !wantAll && targets.delete('home') ? await render(now, model, services, ['home'], 'best') : [];
    changed.push(...(await render(now, model, services, targets, 'best')));
    if (deps.assets) changed.push(...(await deps.snapshot.put(deps.assets, now)));
    // With everything to render, the home page is served from here on; the service pages next (a few hundred at most), the archive after.
    if (everything) changed.push(...(await render(now, model, services, ['404', ...services.map((s) => `service:${s.id}`)], wantAll ? 'fast' : 'best')));
    published = { seq, catalogue, overall, uptime };
    latest = model;
    deps.onNextDeadline?.(nextDeadline(model, now), open);
    if (everything) {
      complete = false;
      if (wantAll) changed.push(...(await renderArchive(model, services, now)));
      else scheduleArchive();
    }
    await writeNote();
    return { changed, model };
  }

  const writeNote = () =>
    deps.snapshot.writeNote('publish', { ...published, build, site: siteKey, complete } satisfies Note).catch((error) => log.warn('[Publish] Could not record the publish state:', error));

  /** Every archive page, in batches: every incident, every month of every scope, every window (service pages are published before). */
  async function* archiveBatches(services: ServiceRow[]): AsyncGenerator<Target[]> {
    for (let before = Number.MAX_SAFE_INTEGER; ; ) {
      const ids = await incidentIdsBefore(deps.db, before, BATCH);
      if (ids.length === 0) break;
      yield ids.map((id) => `incident:${id}`);
      before = ids.at(-1) as number;
    }
    const listed = new Set([0, ...services.map((s) => s.id)]);
    const months = (await allHistoryMonths(deps.db)).filter((m) => listed.has(m.serviceId)).map((m) => `month:${m.serviceId}:${m.month}`);
    for (let i = 0; i < months.length; i += BATCH / 4) yield months.slice(i, i + BATCH / 4);
    const windows = (await allMaintenanceIds(deps.db)).map((id) => `maintenance:${id}`);
    for (let i = 0; i < windows.length; i += BATCH) yield windows.slice(i, i + BATCH);
  }

  /** The whole archive now, in one go (publish('all'): tests, the export). */
  async function renderArchive(model: SiteModel, services: ServiceRow[], now: Date): Promise<string[]> {
    const changed: string[] = [];
    let batches = 0;
    for await (const batch of archiveBatches(services)) {
      changed.push(...(await render(now, model, services, batch, 'fast')));
      if (++batches % 10 === 0) log.info(`[Publish] Rendering every page: ${changed.length} files written…`);
    }
    complete = true;
    return changed;
  }

  let background: Promise<void> | null = null;
  /** The whole archive in the background, one batch per turn on the publish chain, so writes keep publishing meanwhile. */
  function scheduleArchive(): void {
    if (background) return;
    background = (async () => {
      const started = performance.now();
      let pages = 0;
      let batches = 0;
      const first = await run(async () => (await loadModel(deps.clock.now())).services);
      for await (const batch of archiveBatches(first)) {
        pages += await run(async () => {
          const now = deps.clock.now();
          const { model, services } = await loadModel(now);
          await render(now, model, services, batch, 'fast');
          return batch.length;
        });
        if (++batches % 10 === 0) log.info(`[Publish] Rendering every page: ${pages} done…`);
      }
      complete = true;
      await run(writeNote);
      log.info(`[Publish] Every page is published (${pages} pages and months in ${((performance.now() - started) / 1000).toFixed(1)} s).`);
    })()
      .catch((error) => log.error('[Publish] Rendering every page stopped; the next start tries again:', error))
      .finally(() => {
        background = null;
      });
  }

  let chain: Promise<unknown> = Promise.resolve();
  /** Runs `work` on the publish chain, after whatever is queued. */
  function run<T>(work: () => Promise<T>): Promise<T> {
    const result = chain.then(work);
    chain = result.catch(() => undefined);
    return result;
  }

  let waiting: { scope: PublishScope; promise: Promise<PublishResult> } | null = null;
  // What a failed publish did not render yet; the next publish renders it too.
  let owed: PublishScope = { incidents: [] };

  const publish = (scope: PublishScope): Promise<PublishResult> => {
    if (waiting) {
      waiting.scope = mergeScopes(waiting.scope, scope);
      return waiting.promise;
    }
    const entry: { scope: PublishScope; promise: Promise<PublishResult> } = { scope, promise: Promise.resolve() as never };
    entry.promise = run(async () => {
      if (waiting === entry) waiting = null;
      const merged = mergeScopes(owed, entry.scope);
      owed = { incidents: [] };
      try {
        return await publishNow(merged === 'all' ? [] : merged.incidents, merged === 'all');
      } catch (error) {
        owed = mergeScopes(owed, merged);
        throw error;
      }
    });
    waiting = entry;
    return entry.promise;
  };

  return {
    current: () => latest,
    publish,
    async resume() {
      const note = deps.snapshot.readNote<Note>('publish');
      if (note?.complete && note.build === build && note.site === siteKey) {
        published = { seq: note.seq, catalogue: note.catalogue, overall: note.overall, uptime: note.uptime ?? {} };
        complete = true;
      }
      const started = performance.now();
      const result = await publish({ incidents: [] });
      if (background) log.info(`[Publish] Live pages published in ${Math.round(performance.now() - started)} ms; rendering every other page in the background.`);
      return result;
    },
    idle: async () => {
      while (background) await background;
      await chain;
    },
    follow(intervalMs, republish = publish) {
      let stopped = false;
      let lastPrune = deps.clock.now().getTime();
      let inFlight: Promise<unknown> = Promise.resolve();
      const tick = async () => {
        const seq = await currentPublishSeq(deps.db);
        // A write of this process publishes itself before it answers; while that publish is
        // queued or running the log is ahead of `published`, but nothing is missing. Look again
        // once the publishes under way are done, or every such write costs a second publish
        // (the live pages rendered again) just as readers come for the first.
        if (seq > published.seq) await chain;
        if (seq > published.seq && published.seq >= 0) await republish({ incidents: [] });
        if (deps.clock.now().getTime() - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = deps.clock.now().getTime();
          await prunePublishLog(deps.db, LOG_KEPT);
        }
      };
      const timer = setInterval(() => {
        if (stopped) return;
        inFlight = inFlight.then(tick).catch((error) => log.warn('[Publish] Checking for other processes\u2019 writes failed; retrying:', error));
      }, intervalMs);
      timer.unref();
      return async () => {
        stopped = true;
        clearInterval(timer);
        await inFlight;
      };
    },
  };
}

/**
 * The services whose uptime history the logged writes may have changed: a service written
 * itself (its status, set outside incidents or by an update), and every service of a written
 * incident, as it is now and any it lost (its spans, and the changes its updates made).
 */
function writtenServices(changes: readonly LoggedChange[], placements: readonly Placement[]): Set<number> {
  const services = new Set<number>();
  const incidents = new Set<number>();
  for (const change of changes) {
    if (change.entity === 'service') services.add(change.id);
    else if (change.entity === 'incident') {
      incidents.add(change.id);
      if (change.serviceId !== null) services.add(change.serviceId);
    }
  }
  for (const placement of placements) if (incidents.has(placement.id)) for (const id of placement.serviceIds) services.add(id);
  return services;
}

function mergeScopes(a: PublishScope, b: PublishScope): PublishScope {
  if (a === 'all' || b === 'all') return 'all';
  return { incidents: [...new Set([...a.incidents, ...b.incidents])] };
}

/** The next instant the pages must change by themselves: an open incident's next-update deadline, or midnight (UTC). */
function nextDeadline(model: SiteModel, now: Date): Date {
  const upcoming = model.incidents
    .filter((i) => i.nextUpdateDueAt && !i.overdue)
    .map((i) => new Date(i.nextUpdateDueAt as string))
    .filter((d) => d > now);
  return [...upcoming, nextUptimeRollover(now)].sort((a, b) => a.getTime() - b.getTime())[0] as Date;
}

const hash = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 16);

/** A memo that forgets everything once it holds `max` values (a full publish renders every update once). */
function boundedCache<T>(max: number): (key: string, make: () => T) => T {
  let values = new Map<string, T>();
  return (key, make) => {
    let value = values.get(key);
    if (value === undefined) {
      if (values.size >= max) values = new Map();
      values.set(key, (value = make()));
    }
    return value;
  };
}

