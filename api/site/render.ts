/**
 * Renders targets (targets.ts) into files: each target loads the bounded slice of data
 * it shows and hands it to the page renderer, the feed or the Statuspage JSON.
 */
import type { Executor } from '../platform/db/client.ts';
import { loadIncidents } from '../features/incidents/index.ts';
import { loadCalendarWindows, loadMaintenances, renderMaintenanceCalendar, type MaintenanceRecord } from '../features/maintenance/index.ts';
import {
  historyMonths,
  incidentsInMonth,
  monthCount,
  newestIncidentSummaries,
  newestPostmortemIncidents,
  newestUpdateRefs,
  rankInMonth,
  type HistoryMonth,
} from './store.ts';
import type { IncidentRecord } from '../features/incidents/index.ts';
import type { MaintenanceUpdate, Update } from '../shared/schemas.ts';
import { BADGE_PATH, overallBadge, serviceBadge, serviceBadgePath } from './badge.ts';
import { EMBED_PATH, renderEmbed } from './embed.ts';
import { atomPathOf, MAX_ITEMS as FEED_ITEMS, renderAtomFeed, renderFeed } from './feed.ts';
import { HISTORY_CSV_PATH, type HistoryCsv } from './history-csv.ts';
import { byMonth, monthLinks, monthPageView, monthPath, MONTH_PAGE_SIZE, pagesIn, toListEntry, toMaintenanceEntry, type HistoryIndexView } from './history.ts';
import { CALENDAR_PATH, FEED_PATH, serviceCalendarPath, toIncidentView, toMaintenanceView, type IncidentView, type SiteModel } from './model.ts';
import type { Target } from './targets.ts';
import { statuspageDocuments } from './statuspage.ts';
import { WIDGET_PATH, widgetScript } from './widget.ts';

export type PageRenderer = (path: string, model: SiteModel, extra?: Record<string, unknown>) => Promise<string>;

/** Past incidents listed on a service's own page, before its months. */
const SERVICE_RECENT = 20;
/** Newest incidents on /history, before the months. */
const HISTORY_RECENT = 50;

export type RenderContext = {
  db: Executor;
  now: Date;
  model: SiteModel;
  /** Service ids by slug and back, for the listed services. */
  services: { byId: Map<number, { slug: string; name: string }> };
  renderPage: PageRenderer | null;
  renderUpdate: (u: Update) => string;
  renderMaintenanceUpdate: (u: MaintenanceUpdate) => string;
  /** A published postmortem's markdown as HTML; `renderMarkdown` when absent. */
  renderPostmortem?: (markdown: string) => string;
  site: { publicUrl: string; updateIntervalMinutes: number };
  /**
   * How many incidents each month (`serviceId:month`) had when its pages were last rendered:
   * while that holds, a changed incident re-renders only the page listing it.
   */
  monthCounts: Map<string, number>;
  /** /history.csv's rows between publishes; absent: the file is not published by this render. */
  historyCsv?: HistoryCsv;
};

/**
 * Renders `targets` into `files` (path → content). Incidents loaded for one target are reused
 * by the next within the call.
 */
export async function renderTargets(ctx: RenderContext, targets: Iterable<Target>, files: Map<string, string | Buffer>): Promise<void> {
  const records = new Map<number, IncidentRecord>();
  const months = new Map<number, HistoryMonth[]>();
  const load = async (ids: readonly number[]) => {
    const missing = ids.filter((id) => !records.has(id));
    for (let i = 0; i < missing.length; i += 500) {
      for (const r of await loadIncidents(ctx.db, { ids: missing.slice(i, i + 500), limit: 500 })) records.set(r.id, r);
    }
    return ids.map((id) => records.get(id)).filter((r): r is IncidentRecord => r !== undefined);
  };
  // The calendars' windows, read once per render: the whole site's calendar and each service's come from them.
  let calendarWindows: Promise<MaintenanceRecord[]> | undefined;
  const calendar = async (path: string, service?: { slug: string; name: string }) => {
    const windows = await (calendarWindows ??= loadCalendarWindows(ctx.db, ctx.now));
    const { t } = ctx.model.messages;
    const site = ctx.model.site.title;
    files.set(
      path,
      renderMaintenanceCalendar(service ? windows.filter((m) => m.services.some((s) => s.slug === service.slug)) : windows, {
        publicUrl: ctx.site.publicUrl,
        name: service ? t('calendar.serviceName', { site, service: service.name }) : t('calendar.name', { site }),
        path,
      }),
    );
  };
  const monthsOf = async (serviceId: number) => months.get(serviceId) ?? months.set(serviceId, await historyMonths(ctx.db, serviceId)).get(serviceId)!;
  const view = (r: IncidentRecord) => toIncidentView(r, ctx.now, ctx.site, ctx.renderUpdate, ctx.renderPostmortem);
  /** The incidents a feed's entries come from: those of its newest updates and of its newest postmortems. */
  const feedIncidentIds = async (serviceId: number) => {
    const refs = await newestUpdateRefs(ctx.db, serviceId, FEED_ITEMS);
    return [...new Set([...refs.map((r) => r.incidentId), ...(await newestPostmortemIncidents(ctx.db, serviceId, FEED_ITEMS))])];
  };
  const page = async (path: string, extra?: Record<string, unknown>, as = path) => {
    if (ctx.renderPage) files.set(as, await ctx.renderPage(path, ctx.model, extra));
  };

  const list = [...targets];
  // Everything about incidents is loaded in one go.
  await load(list.flatMap((t) => (t.kind === 'incident' ? [t.id] : [])));
  const maintenanceIds = list.flatMap((t) => (t.kind === 'maintenance' ? [t.id] : []));
  const maintenances = new Map((maintenanceIds.length ? await loadMaintenances(ctx.db, { ids: maintenanceIds, limit: 5000 }) : []).map((m) => [m.id, m]));

  for (const target of list) {
    switch (target.kind) {
      case 'home':
        await page('/');
        break;
      case '404':
        await page('/404', undefined, '/404.html');
        break;
      case 'json':
        for (const [path, doc] of Object.entries(statuspageDocuments(ctx.model))) files.set(path, JSON.stringify(doc));
        break;
      case 'embeds':
        files.set(BADGE_PATH, overallBadge(ctx.model));
        files.set(EMBED_PATH, renderEmbed(ctx.model));
        files.set(WIDGET_PATH, widgetScript(ctx.model.messages));
        break;
      case 'feed': {
        const incidents = (await load(await feedIncidentIds(0))).map(view);
        files.set(FEED_PATH, renderFeed({ ...ctx.model, incidents }, { feedPath: FEED_PATH }));
        files.set(atomPathOf(FEED_PATH), renderAtomFeed({ ...ctx.model, incidents }, { feedPath: atomPathOf(FEED_PATH) }));
        await calendar(CALENDAR_PATH);
        break;
      }
      case 'history': {
        const completed = (await loadMaintenances(ctx.db, { state: 'completed', ran: true, limit: HISTORY_RECENT })).map(toMaintenanceEntry);
        const history: HistoryIndexView = {
          recent: byMonth(ctx.model.incidents.slice(0, HISTORY_RECENT), completed),
          months: monthLinks(null, await monthsOf(0)),
        };
        await page('/history', { history });
        // Every incident this render is about may have changed its line of the file.
        const csv = await ctx.historyCsv?.render(
          ctx.db,
          list.flatMap((t) => (t.kind === 'incident' ? [t.id] : [])),
        );
        if (csv) files.set(HISTORY_CSV_PATH, csv);
        break;
      }
      case 'incident': {
        const record = records.get(target.id);
        if (record) {
          const incident = view(record);
          await page(`/incidents/${incident.ref}`, { incident });
        }
        break;
      }
      case 'maintenance': {
        const record = maintenances.get(target.id);
        if (record) {
          const maintenance = toMaintenanceView(record, ctx.site, ctx.renderMaintenanceUpdate);
          await page(`/maintenance/${maintenance.ref}`, { maintenance });
        }
        break;
      }
      case 'service':
        await renderService(target.id);
        break;
      case 'month':
        // Months last: each once, with every incident of it that changed.
        break;
    }
  }

  async function renderService(id: number): Promise<void> {
    const service = ctx.model.services.find((s) => s.slug === ctx.services.byId.get(id)?.slug);
    if (!service) return;
    const feedIncidents = (await load(await feedIncidentIds(id))).map(view);
    const feedPath = `/services/${service.slug}/feed.xml`;
    files.set(feedPath, renderFeed({ ...ctx.model, incidents: feedIncidents }, { serviceSlug: service.slug, feedPath }));
    files.set(atomPathOf(feedPath), renderAtomFeed({ ...ctx.model, incidents: feedIncidents }, { serviceSlug: service.slug, feedPath: atomPathOf(feedPath) }));
    files.set(serviceBadgePath(service.slug), serviceBadge(service, ctx.model.messages));
    await calendar(serviceCalendarPath(service.slug), service);
    if (!ctx.renderPage) return;
    const open: IncidentView[] = ctx.model.incidents.filter((i) => i.status !== 'resolved' && i.services.some((s) => s.slug === service.slug));
    const recent = (await newestIncidentSummaries(ctx.db, id, SERVICE_RECENT, 'resolved')).map((s) => toListEntry(s, ctx.now));
    const maintenance = (await loadMaintenances(ctx.db, { state: 'completed', ran: true, serviceId: id, limit: SERVICE_RECENT })).map(toMaintenanceEntry);
    await page(`/services/${service.slug}`, { servicePage: { open, recent, maintenance, months: monthLinks(service.slug, await monthsOf(id)) } });
  }

  // Each month once: null renders every page of it, a set only the pages listing those incidents.
  const monthTargets = new Map<string, Set<number> | null>();
  for (const target of list) {
    if (target.kind !== 'month') continue;
    const key = `${target.serviceId}:${target.month}`;
    const ids = monthTargets.get(key);
    if (target.incidentId === undefined || ids === null) monthTargets.set(key, null);
    else monthTargets.set(key, (ids ?? new Set()).add(target.incidentId));
  }
  for (const [key, ids] of monthTargets) {
    const [a, month] = key.split(':') as [string, string];
    const serviceId = Number(a);
    const scopeService = serviceId ? ctx.services.byId.get(serviceId) : null;
    if ((serviceId && !scopeService) || !ctx.renderPage) continue;
    const count = await monthCount(ctx.db, serviceId, month);
    const index = await monthsOf(serviceId);
    let pages = Array.from({ length: pagesIn(count) }, (_, i) => i + 1);
    if (ids && ctx.monthCounts.get(key) === count) {
      const ranks = await Promise.all([...ids].map((id) => rankInMonth(ctx.db, serviceId, month, id)));
      if (ranks.every((r) => r !== null)) pages = [...new Set(ranks.map((r) => Math.floor((r as number) / MONTH_PAGE_SIZE) + 1))];
    }
    for (const p of pages) {
      const summaries = await incidentsInMonth(ctx.db, serviceId, month, (p - 1) * MONTH_PAGE_SIZE, MONTH_PAGE_SIZE);
      const monthView = monthPageView({
        scope: scopeService ? { slug: scopeService.slug, name: scopeService.name } : null,
        month,
        page: p,
        count,
        incidents: summaries.map((s) => toListEntry(s, ctx.now)),
        months: index,
      });
      await page(monthPath(scopeService?.slug ?? null, month, p), { month: monthView });
    }
    ctx.monthCounts.set(key, count);
  }
}
