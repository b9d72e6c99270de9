import type { SiteSettings } from '../platform/content.ts';
import { renderMarkdown } from '../platform/markdown.ts';
import { ENGLISH, type Messages } from '../shared/messages.ts';
import { toIncident, type IncidentRecord } from '../features/incidents/index.ts';
import { overallStatus, type OverallStatus } from '../features/services/index.ts';
import { toMaintenance, type MaintenanceRecord } from '../features/maintenance/index.ts';
import type { Incident, Maintenance, MaintenanceUpdate, Service, Update } from '../shared/schemas.ts';
import type { ServiceEvent, ServiceGroup } from '../features/services/index.ts';
import type { UptimeHistory } from '../features/services/index.ts';
import { computeUptime, type Uptime, type UptimeInput } from '../features/services/index.ts';
import type { UpstreamView } from '../features/upstreams/index.ts';
import { measuredUptime, type MetricChart, type ServiceSignals } from '../features/signals/index.ts';

/** An update as the public sees it: its message already rendered by `renderMarkdown`. */
export type UpdateView = Update & { html: string };

/** An incident as the public sees it: no internal fields (the commander stays in the admin). */
export type IncidentView = Omit<
  Incident,
  'commander' | 'detectedAt' | 'acknowledgedAt' | 'postmortemCompletedAt' | 'postmortemDraft' | 'draft' | 'alerts' | 'updates'
> & {
  updates: UpdateView[];
  /** The published postmortem's markdown rendered by `renderMarkdown`; null until one is published. */
  postmortemHtml: string | null;
};

/** A maintenance window as the public sees it: messages rendered, updates newest first. */
export type MaintenanceView = Omit<Maintenance, 'updates'> & { updates: (MaintenanceUpdate & { html: string })[] };

/** A service's own page: its open incidents, its latest past ones, and its months of history. */
export type ServicePageView = {
  open: IncidentView[];
  recent: import('./history.ts').IncidentListEntry[];
  /** Its latest completed maintenance, newest first. */
  maintenance: import('./history.ts').MaintenanceListEntry[];
  months: import('./history.ts').MonthLink[];
};

export type GroupView = { slug: string | null; name: string | null; services: Service[] };

/**
 * What every public page is rendered from, read once per publish: the site, the services, and
 * the incidents the live pages show (every open one, those resolved in the last days, the
 * newest for the JSON) — never the whole history. Pages about one incident, one month or one
 * service get their own part beside it (`PageLocals`).
 */
export type SiteModel = {
  site: SiteSettings & { publicUrl: string; feedPath: string; atomPath: string; calendarPath: string };
  /** The words customers read, in the site's language (content/messages/). */
  messages: Messages;
  generatedAt: string;
  /**
   * When anything customers see last changed (an incident or a service). Pages and feeds
   * show this rather than the publish time, so a publish that changes nothing rewrites nothing.
   */
  updatedAt: string;
  updateIntervalMinutes: number;
  overall: OverallStatus;
  groups: GroupView[];
  services: Service[];
  /** Status changes made outside incidents, newest first, by service slug. */
  serviceEvents: Record<string, ServiceEvent[]>;
  /** Each service's last 90 days, by service slug (absent for a service without loaded history). */
  uptime: Record<string, Uptime>;
  /** Each service's charts of what monitoring measures (api/features/signals), by slug; absent for a service without. */
  charts: Record<string, MetricChart[]>;
  /** The live incidents (open, recently resolved, newest), newest first. */
  incidents: IncidentView[];
  /** The live windows (scheduled, in progress, newest), latest planned start first. */
  maintenances: MaintenanceView[];
  /** The providers services follow (content/services.json `upstream`), by service slug: "status from …", or unknown. */
  upstreams: Record<string, UpstreamView>;
};

export type ModelInput = {
  /** When anything customers see last changed, if known beyond `records` (whose history is not all loaded). */
  lastChangeAt?: string | null;
  records: IncidentRecord[];
  services: Service[];
  groups: ServiceGroup[];
  serviceEvents?: ServiceEvent[];
  /** Each service's status changes and incidents of the last 90 days (api/features/services/uptime-store.ts), by slug. */
  uptime?: ReadonlyMap<string, UptimeHistory>;
  /** How a service's uptime is worked out: `computeUptime`, or the publisher's memory of it (`createUptimeMemo`). */
  uptimeOf?: (slug: string, input: UptimeInput) => Uptime;
  /**
   * What monitoring measured (api/features/signals), by slug: a service with an availability
   * expression has its bars and figure from it, not from posted status.
   */
  signals?: ReadonlyMap<string, ServiceSignals>;
  settings: SiteSettings;
  /** English as shipped when absent. */
  messages?: Messages;
  publicUrl: string;
  updateIntervalMinutes: number;
  now: Date;
  render: (update: Update) => string;
  /** The published postmortems' markdown as HTML; `renderMarkdown` when absent. */
  renderPostmortem?: (markdown: string) => string;
  /** Maintenance windows, with the renderer for their updates' markdown. */
  maintenances?: { records: MaintenanceRecord[]; render: (update: MaintenanceUpdate) => string };
  /** The providers services follow, by service slug (api/features/upstreams). */
  upstreams?: ReadonlyMap<string, UpstreamView>;
};

/**
 * The most services whose day-by-day uptime bars the home page shows; a larger catalogue gets
 * each service's status and uptime percentage there, and the bars on the service's own page.
 * Ninety labelled days are ~6 KB of HTML and 90 tab stops a service: ten services (the demo
 * catalogue) keep / well under 100 KB, 200 would make it 1.3 MB with 18,000 tab stops.
 */
export const HOME_BARS_MAX_SERVICES = 10;

export const FEED_PATH = '/feed.xml';
/** The maintenance calendar (RFC 5545), and each service's. */
export const CALENDAR_PATH = '/maintenance.ics';
export const serviceCalendarPath = (slug: string) => `/services/${slug}/maintenance.ics`;
/** The Atom feed beside it (api/site/feed.ts atomPathOf). */
export const ATOM_PATH = '/feed.atom';

/**
 * An incident as the public sees it, from its stored record; pure apart from the injected
 * markdown renderers (an update's, and the published postmortem's: `renderMarkdown` unless the
 * caller remembers what it rendered). The unpublished postmortem draft never leaves it.
 */
export function toIncidentView(
  record: IncidentRecord,
  now: Date,
  site: { publicUrl: string; updateIntervalMinutes: number },
  render: (update: Update) => string,
  renderPostmortem: (markdown: string) => string = renderMarkdown,
): IncidentView {
  const {
    commander: _internal,
    detectedAt: _detected,
    acknowledgedAt: _acknowledged,
    postmortemCompletedAt: _completed,
    postmortemDraft: _unpublished,
    draft: _draft,
    alerts: _alerts,
    updates,
    ...incident
  } = toIncident(record, now, site);
  return {
    ...incident,
    updates: updates.map((u) => ({ ...u, html: render(u) })),
    postmortemHtml: incident.postmortemBody === null ? null : renderPostmortem(incident.postmortemBody),
  };
}

/** A maintenance window as the public sees it. */
export function toMaintenanceView(record: MaintenanceRecord, site: { publicUrl: string }, render: (update: MaintenanceUpdate) => string): MaintenanceView {
  const { updates, ...maintenance } = toMaintenance(record, site);
  return { ...maintenance, updates: updates.map((u) => ({ ...u, html: render(u) })) };
}

/** Assembles the read model from stored rows; pure apart from the injected markdown renderer. */
export function buildSiteModel(input: ModelInput): SiteModel {
  const site = { publicUrl: input.publicUrl, updateIntervalMinutes: input.updateIntervalMinutes };
  const incidents = input.records.map((record) => toIncidentView(record, input.now, site, input.render, input.renderPostmortem));
  const open = incidents.filter((i) => i.status !== 'resolved');
  const groups: GroupView[] = input.groups
    .map((g) => ({ slug: g.slug, name: g.name, services: input.services.filter((s) => s.group === g.slug) }))
    .filter((g) => g.services.length > 0);
  const ungrouped = input.services.filter((s) => !s.group);
  if (ungrouped.length > 0) groups.push({ slug: null, name: null, services: ungrouped });
  const maintenanceRecords = input.maintenances?.records ?? [];
  const maintenances = maintenanceRecords.map((record) => toMaintenanceView(record, site, (u) => input.maintenances?.render(u) ?? ''));
  const changes = [...input.records.map((r) => r.updatedAt), ...input.services.map((s) => s.updatedAt), ...maintenanceRecords.map((m) => m.updatedAt)];
  const messages = input.messages ?? ENGLISH;
  const overall = overallStatus(
    input.services.map((s) => s.status),
    open.map((i) => i.severity),
  );
  return {
    site: { ...input.settings, publicUrl: input.publicUrl, feedPath: FEED_PATH, atomPath: ATOM_PATH, calendarPath: CALENDAR_PATH },
    messages,
    generatedAt: input.now.toISOString(),
    updatedAt: [...changes, input.lastChangeAt ?? ''].reduce((a, b) => (b > a ? b : a), '') || input.now.toISOString(),
    updateIntervalMinutes: input.updateIntervalMinutes,
    overall: { indicator: overall.indicator, description: messages.t(`overall.${overall.indicator}`) },
    groups,
    services: input.services,
    serviceEvents: Object.groupBy(input.serviceEvents ?? [], (e) => e.slug) as Record<string, ServiceEvent[]>,
    uptime: Object.fromEntries(
      input.services.flatMap((s) => {
        const history = input.uptime?.get(s.slug);
        if (!history) return [];
        const posted = (input.uptimeOf ?? ((_, u) => computeUptime(u)))(s.slug, { ...history, status: s.status, now: input.now, messages });
        const measured = input.signals?.get(s.slug)?.availability;
        return [[s.slug, measured ? measuredUptime({ days: measured.days, now: input.now, messages, posted }) : posted]];
      }),
    ),
    charts: Object.fromEntries(
      input.services.flatMap((s) => {
        const charts = input.signals?.get(s.slug)?.charts;
        return charts?.length ? [[s.slug, charts]] : [];
      }),
    ),
    incidents,
    maintenances,
    upstreams: Object.fromEntries(input.upstreams ?? []),
  };
}
