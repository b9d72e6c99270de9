/**
 * Publishing: rendering what changed and swapping it into the snapshot readers are served
 * from. This file puts the parts together — the live model (live-model.ts), what to render
 * (targets.ts, change-keys.ts), rendering (render.ts), the background archive (archive.ts), one
 * publish at a time (serial-queue.ts) and following other processes' writes (follower.ts).
 */
import type { PublishScope } from '../platform/commands.ts';
import type { Log } from '../platform/log/log.ts';
import type { SiteSettings } from '../platform/content.ts';
import { ENGLISH, type Messages } from '../shared/messages.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/client.ts';
import { nextUptimeRollover, type ServiceRow } from '../features/services/index.ts';
import { archiveBatches, createBackgroundArchive } from './archive.ts';
import { catalogueKey, createUptimeKeys, hashOf, overallKey, uptimeChanged, type ShownKeys } from './change-keys.ts';
import { publishEffort, type Effort } from './compression.ts';
import { follow } from './follower.ts';
import { createHistoryCsv } from './history-csv.ts';
import { createLiveModelReader } from './live-model.ts';
import { writtenServices } from './uptime-reads.ts';
import type { SiteModel } from './model.ts';
import { renderTargets, type PageRenderer } from './render.ts';
import { coalescing, createSerialQueue } from './serial-queue.ts';
import type { Snapshot, SnapshotEntry } from './snapshot.ts';
import { changesSince, currentPublishSeq, incidentPlacement, maintenanceServiceIds, prunePublishLog, type LoggedChange } from './store.ts';
import { changedTargets, targetForPath, TargetSet, type Target } from './targets.ts';

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
  /**
   * The archive page at `path` (a snapshot path) while the background rendering has not reached
   * it yet: rendered now, between publishes. Undefined when there is no such page, and always
   * once every page is published (a path not in the snapshot then names nothing).
   */
  pageOnDemand(path: string): Promise<SnapshotEntry | undefined>;
  /** Resolves when no background rendering is left (tests, the export). */
  idle(): Promise<void>;
  /** Resolves once the publishes asked for so far have finished (the background rendering aside). */
  settled(): Promise<void>;
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

/** Publish-log rows kept; a process further behind (a snapshot restored from long ago) renders everything. */
const LOG_KEPT = 100_000;
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * What the snapshot directory records of the last publish (`.publish.json`): a start on the same
 * build and site settings catches up from `seq` rather than rendering everything again.
 */
type PublishNote = ShownKeys & { seq: number; build: string; site: string; complete: boolean };

/**
 * Builds the publisher. Publishes run one at a time; requests that arrive while one runs
 * are merged into the next, so a burst of writes costs two renders, not one each.
 */
export function createPublisher(deps: PublisherDeps): Publisher {
  const { db, log, snapshot } = deps;
  const site = { publicUrl: deps.publicUrl, updateIntervalMinutes: deps.updateIntervalMinutes };
  const messages = deps.messages ?? ENGLISH;
  // Another language, or an edited catalogue, changes every page: it is part of what the site is.
  const siteKey = hashOf([deps.publicUrl, deps.settings, deps.updateIntervalMinutes, messages.catalogue]);
  const build = deps.buildId ?? '';
  const reader = createLiveModelReader({ db, settings: deps.settings, messages, ...site });
  const uptimeKeys = createUptimeKeys();
  const monthCounts = new Map<string, number>();
  const historyCsv = createHistoryCsv(deps.publicUrl);
  const queue = createSerialQueue();

  /** The last seq published (-1: nothing yet), and what the pages published then showed of the whole site. */
  let published: ShownKeys & { seq: number } = { seq: -1, catalogue: '', overall: '', uptime: {} };
  /** Whether every archive page is in the snapshot. */
  let complete = false;
  let latest: { model: SiteModel; services: ServiceRow[] } | null = null;

  async function render(now: Date, model: SiteModel, services: ServiceRow[], targets: Iterable<Target>, effort: Effort): Promise<string[]> {
    const files = new Map<string, string | Buffer>();
    const byId = new Map(services.map((s) => [s.id, { slug: s.slug, name: s.name }]));
    await renderTargets(
      {
        db,
        now,
        model,
        services: { byId },
        renderPage: deps.renderPage,
        renderUpdate: reader.renderUpdate,
        renderMaintenanceUpdate: reader.renderMaintenanceUpdate,
        renderPostmortem: reader.renderPostmortem,
        site,
        monthCounts,
        historyCsv,
      },
      targets,
      files,
    );
    return snapshot.put(files, now, publishEffort(effort));
  }

  const writeNote = () => snapshot.writeNote('publish', { ...published, build, site: siteKey, complete } satisfies PublishNote);

  const background = createBackgroundArchive({
    queue,
    log,
    batches: async () =>
      archiveBatches(
        db,
        (await reader.load(deps.clock.now())).services.map((s) => s.id),
      ),
    render: async (batch) => {
      const now = deps.clock.now();
      const { model, services } = await reader.load(now);
      await render(now, model, services, batch, 'fast');
      return batch.length;
    },
    // Rendering outpacing the disk would hold every page in memory until written.
    between: () => snapshot.mirrored(),
    done: async () => {
      complete = true;
      writeNote();
    },
  });

  /** The whole archive now, in one go (publish('all'): tests, the export). */
  async function renderArchive(model: SiteModel, services: ServiceRow[], now: Date): Promise<string[]> {
    const changed: string[] = [];
    let batches = 0;
    for await (const batch of archiveBatches(
      db,
      services.map((s) => s.id),
    )) {
      changed.push(...(await render(now, model, services, batch, 'fast')));
      await snapshot.mirrored();
      if (++batches % 10 === 0) log.info(`[Publish] Rendering every page: ${changed.length} files written…`);
    }
    complete = true;
    return changed;
  }

  /** One incremental publish: the live pages, and what the log and `requested` say changed. */
  async function publishNow(requested: readonly number[], wantAll: boolean): Promise<PublishResult> {
    const now = deps.clock.now();
    const seq = await currentPublishSeq(db);
    const changes: LoggedChange[] | null = published.seq < 0 ? null : await changesSince(db, published.seq, seq);
    const changedIds = [...new Set([...(changes ?? []).filter((c) => c.entity === 'incident').map((c) => c.id), ...requested])];
    const placements = await incidentPlacement(db, changedIds);
    const { model, services, open, liveMaintenances } = await reader.load(now, wantAll || changes === null ? 'all' : writtenServices(changes, placements));
    const shown: ShownKeys = { catalogue: catalogueKey(services, model), overall: overallKey(model), uptime: uptimeKeys(services, model) };
    const everything = wantAll || changes === null || shown.catalogue !== published.catalogue;
    if (everything) historyCsv.reset();
    const targets = changedTargets({
      changes: changes ?? [],
      requested,
      placements,
      openIncidents: open,
      liveMaintenances,
      maintenanceServices: await maintenanceServiceIds(db, [...new Set((changes ?? []).filter((c) => c.entity === 'maintenance').map((c) => c.id))]),
      serviceIds: services.map((s) => s.id),
      // With everything to render, service pages go with the archive (all of them, in batches): the live pages first.
      overallChanged: !everything && shown.overall !== published.overall,
      // The bars move by themselves (at UTC midnight, as an outage goes on): a page whose bars changed is re-rendered.
      uptimeChanged: everything ? [] : uptimeChanged(services, shown.uptime, published.uptime),
    });
    // With everything to render (a fresh start), the home page goes out on its own first: readers get it soonest.
    const changed = everything && !wantAll && targets.delete({ kind: 'home' }) ? await render(now, model, services, [{ kind: 'home' }], 'best') : [];
    changed.push(...(await render(now, model, services, targets, 'best')));
    if (deps.assets) changed.push(...(await snapshot.put(deps.assets, now)));
    // With everything to render, the home page is served from here on; the service pages next (a few hundred at most), the archive after.
    if (everything)
      changed.push(
        ...(await render(now, model, services, [{ kind: '404' }, ...services.map((s) => ({ kind: 'service' as const, id: s.id }))], wantAll ? 'fast' : 'best')),
      );
    published = { seq, ...shown };
    latest = { model, services };
    deps.onNextDeadline?.(nextDeadline(model, now), open);
    if (everything) {
      complete = false;
      if (wantAll) changed.push(...(await renderArchive(model, services, now)));
      else background.start();
    }
    writeNote();
    return { changed, model };
  }

  const publishNext = coalescing<PublishScope, PublishResult>({
    queue,
    merge: mergeScopes,
    // What a failed publish did not render yet; the next publish renders it too.
    empty: { incidents: [] },
    work: (scope) => publishNow(scope === 'all' ? [] : scope.incidents, scope === 'all'),
  });

  let lastPublish: Promise<unknown> = Promise.resolve();
  const publish = (scope: PublishScope) => {
    const result = publishNext(scope);
    lastPublish = result.catch(() => undefined);
    return result;
  };

  // Pages asked for before the background rendering reached them, rendered together on the queue's next turn.
  const renderAsked = coalescing<ReadonlySet<string>, void>({
    queue,
    merge: (a, b) => new Set([...a, ...b]),
    empty: new Set(),
    work: async (paths) => {
      if (complete || !latest) return;
      const { model, services } = latest;
      const bySlug = new Map(services.map((s) => [s.slug, s.id]));
      const targets = new TargetSet();
      for (const path of paths) {
        const target = snapshot.has(path) ? null : targetForPath(path, (slug) => bySlug.get(slug) ?? null);
        if (target) targets.add(target);
      }
      if (targets.size) await render(deps.clock.now(), model, services, targets, 'fast');
    },
  });

  return {
    current: () => latest?.model ?? null,
    publish,
    async resume() {
      const note = snapshot.readNote<PublishNote>('publish');
      if (note?.complete && note.build === build && note.site === siteKey) {
        published = { seq: note.seq, catalogue: note.catalogue, overall: note.overall, uptime: note.uptime ?? {} };
        complete = true;
      }
      const started = performance.now();
      const result = await publish({ incidents: [] });
      if (background.running())
        log.info(`[Publish] Live pages published in ${Math.round(performance.now() - started)} ms; rendering every other page in the background.`);
      return result;
    },
    async pageOnDemand(path) {
      if (complete || !latest || targetForPath(path, () => 0) === null) return undefined;
      await renderAsked(new Set([path]));
      return snapshot.get(path);
    },
    settled: async () => {
      await lastPublish;
    },
    idle: async () => {
      for (let running = background.running(); running; running = background.running()) await running;
      await queue.drained();
    },
    follow(intervalMs, republish = publish) {
      let lastPrune = deps.clock.now().getTime();
      return follow({
        intervalMs,
        latest: () => currentPublishSeq(db),
        handled: () => published.seq,
        settled: () => queue.drained(),
        catchUp: () => republish({ incidents: [] }),
        after: async () => {
          if (deps.clock.now().getTime() - lastPrune <= PRUNE_EVERY_MS) return;
          lastPrune = deps.clock.now().getTime();
          await prunePublishLog(db, LOG_KEPT);
        },
        onError: (error) => log.warn('[Publish] Checking for other processes\u2019 writes failed; retrying:', error),
      });
    },
  };
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
