/**
 * The site model of a publish: what every page is rendered from (api/site/model.ts), read from
 * the database with the bounded queries of the live pages. It remembers between publishes what
 * is costly to read or render again: each service's uptime history (uptime-reads.ts) and each
 * update's rendered markdown.
 */
import type { SiteSettings } from '../platform/content.ts';
import type { Db } from '../platform/db/client.ts';
import { renderMarkdown } from '../platform/markdown.ts';
import type { Messages } from '../shared/messages.ts';
import type { MaintenanceUpdate, Update } from '../shared/schemas.ts';
import { loadIncidents } from '../features/incidents/index.ts';
import { loadMaintenances } from '../features/maintenance/index.ts';
import { createUptimeMemo, listGroups, listServiceEvents, listServices, type ServiceRow } from '../features/services/index.ts';
import { listUpstreams } from '../features/upstreams/index.ts';
import { readSignals } from '../features/signals/index.ts';
import { boundedMemo } from './bounded-memo.ts';
import { buildSiteModel, type SiteModel } from './model.ts';
import { lastChangeAt, liveIncidentIds } from './store.ts';
import { createUptimeReads } from './uptime-reads.ts';

/** How far back a service page lists status changes made outside incidents. */
const SERVICE_EVENT_DAYS = 90;
/** The home page lists incidents resolved this recently. */
const RECENT_DAYS = 7;
/** The newest incidents and windows the live pages and JSON show. */
const LIVE_NEWEST = 50;
/** Rendered updates remembered; a full publish renders each once. */
const RENDERED_UPDATES = 20_000;

export type LiveModelOptions = {
  db: Db;
  settings: SiteSettings;
  messages: Messages;
  publicUrl: string;
  updateIntervalMinutes: number;
};

export type LiveModel = {
  model: SiteModel;
  services: ServiceRow[];
  /** Open incidents, whose pages show the status now. */
  open: number[];
  /** Windows not completed. */
  liveMaintenances: number[];
};

export type LiveModelReader = {
  /**
   * The live model at `now`. `written`: the services whose uptime history may have changed
   * since the last read ('all': read every one again).
   */
  load(now: Date, written?: ReadonlySet<number> | 'all'): Promise<LiveModel>;
  /** An update's markdown as HTML, rendered once per edit. */
  renderUpdate(update: Update): string;
  renderMaintenanceUpdate(update: MaintenanceUpdate): string;
  /** A published postmortem's markdown as HTML, rendered once per text. */
  renderPostmortem(markdown: string): string;
};

export function createLiveModelReader(options: LiveModelOptions): LiveModelReader {
  const { db } = options;
  const html = boundedMemo<string>(RENDERED_UPDATES);
  const renderUpdate = (u: Update): string => html(`${u.id}:${u.editedAt ?? ''}`, () => renderMarkdown(u.message));
  // Maintenance updates are numbered apart from incident updates: their own keys.
  const renderMaintenanceUpdate = (u: MaintenanceUpdate): string => html(`m${u.id}`, () => renderMarkdown(u.message));
  const renderPostmortem = (markdown: string): string => html(`p:${markdown}`, () => renderMarkdown(markdown));
  const uptimeOf = createUptimeMemo();
  const uptime = createUptimeReads(db);

  return {
    renderUpdate,
    renderMaintenanceUpdate,
    renderPostmortem,
    async load(now, written = new Set()) {
      const services = await listServices(db);
      const groups = await listGroups(db);
      const live = await liveIncidentIds(db, new Date(now.getTime() - RECENT_DAYS * 86_400_000), LIVE_NEWEST);
      const ids = [...new Set([...live.open, ...live.recent, ...live.newest])];
      const records = (await loadIncidents(db, { ids, limit: ids.length || 1 })).sort((a, b) =>
        a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : b.id - a.id,
      );
      const maintenanceRecords = new Map(
        [
          ...(await loadMaintenances(db, { limit: LIVE_NEWEST })),
          ...(await loadMaintenances(db, { state: 'active', limit: LIVE_NEWEST })),
          ...(await loadMaintenances(db, { state: 'upcoming', limit: LIVE_NEWEST })),
        ].map((m) => [m.id, m]),
      );
      const serviceEvents = await listServiceEvents(db, new Date(now.getTime() - SERVICE_EVENT_DAYS * 86_400_000));
      const model = buildSiteModel({
        records,
        services,
        groups,
        serviceEvents,
        uptime: await uptime.read(now, services, written),
        uptimeOf,
        // What Prometheus measured, as the signals job stored it: read here, never asked for.
        signals: await readSignals(db, now),
        settings: options.settings,
        messages: options.messages,
        publicUrl: options.publicUrl,
        updateIntervalMinutes: options.updateIntervalMinutes,
        now,
        render: renderUpdate,
        renderPostmortem,
        lastChangeAt: await lastChangeAt(db),
        upstreams: await listUpstreams(db),
        maintenances: {
          records: [...maintenanceRecords.values()].sort((a, b) => (a.scheduledFor < b.scheduledFor ? 1 : a.scheduledFor > b.scheduledFor ? -1 : b.id - a.id)),
          render: renderMaintenanceUpdate,
        },
      });
      const liveMaintenances = [...maintenanceRecords.values()].filter((m) => m.status !== 'completed').map((m) => m.id);
      return { model, services, open: live.open, liveMaintenances };
    },
  };
}
