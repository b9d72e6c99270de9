/**
 * Atlassian Statuspage's public API shapes (`/api/v2/*.json`), with the same field names,
 * types and vocabulary, so widgets, aggregators and scripts written for Statuspage read
 * Herald unchanged. Pure: model in, JSON-ready objects out.
 */
import { IMPACT_BY_SEVERITY, STATUSPAGE_INCIDENT_STATUS, type ServiceStatus } from '../shared/vocabulary.ts';
import type { IncidentView, MaintenanceView, SiteModel } from './model.ts';
import { byCodeUnits } from '../shared/order.ts';

const PAGE_ID = 'herald';

const worstStatus = (statuses: ServiceStatus[]): ServiceStatus => {
  const order: ServiceStatus[] = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'];
  return statuses.reduce<ServiceStatus>((worst, s) => (order.indexOf(s) > order.indexOf(worst) ? s : worst), 'operational');
};

function page(model: SiteModel) {
  return { id: PAGE_ID, name: model.site.name, url: model.site.publicUrl, time_zone: 'Etc/UTC', updated_at: model.updatedAt };
}

/** Services as Statuspage components; each group is a component with `group: true` listing its members. */
function components(model: SiteModel) {
  const list: Record<string, unknown>[] = [];
  let position = 1;
  for (const group of model.groups) {
    const groupId = group.slug ? `group-${group.slug}` : null;
    if (group.slug && groupId) {
      list.push({
        id: groupId,
        name: group.name,
        status: worstStatus(group.services.map((s) => s.status)),
        created_at: group.services.map((s) => s.updatedAt).sort()[0] ?? model.generatedAt,
        updated_at: group.services.map((s) => s.updatedAt).sort().at(-1) ?? model.generatedAt,
        position: position++,
        description: null,
        showcase: false,
        start_date: null,
        group_id: null,
        page_id: PAGE_ID,
        group: true,
        only_show_if_degraded: false,
        components: group.services.map((s) => s.slug),
      });
    }
    for (const service of group.services) {
      list.push({
        id: service.slug,
        name: service.name,
        status: service.status,
        created_at: service.updatedAt,
        updated_at: service.updatedAt,
        position: position++,
        description: service.description || null,
        showcase: true,
        start_date: null,
        group_id: groupId,
        page_id: PAGE_ID,
        group: false,
        only_show_if_degraded: false,
      });
    }
  }
  return list;
}

function incident(i: IncidentView) {
  const monitoring = [...i.updates].reverse().find((u) => u.status === 'monitoring');
  return {
    id: i.ref,
    name: i.title,
    status: STATUSPAGE_INCIDENT_STATUS[i.status],
    created_at: i.startedAt,
    updated_at: i.updatedAt,
    monitoring_at: monitoring?.createdAt ?? null,
    resolved_at: i.resolvedAt,
    impact: IMPACT_BY_SEVERITY[i.severity],
    shortlink: i.url,
    started_at: i.startedAt,
    page_id: PAGE_ID,
    incident_updates: i.updates.map((u) => ({
      id: `${i.ref}-${u.id}`,
      status: STATUSPAGE_INCIDENT_STATUS[u.status],
      body: u.message,
      incident_id: i.ref,
      created_at: u.createdAt,
      updated_at: u.editedAt ?? u.createdAt,
      display_at: u.createdAt,
      affected_components: u.services.length
        ? u.services.map((c) => ({ code: c.slug, name: c.name, old_status: c.from, new_status: c.to }))
        : null,
      deliver_notifications: u.notify,
      custom_tweet: null,
      tweet_id: null,
    })),
    components: i.services.map(affectedComponent),
  };
}

/**
 * A window as a Statuspage scheduled maintenance: impact `maintenance`, the planned window in
 * `scheduled_for` / `scheduled_until`, `resolved_at` when it was completed. Herald's statuses
 * are a subset of Statuspage's (it also has `verifying`), so they pass through unchanged.
 */
function scheduledMaintenance(m: MaintenanceView) {
  return {
    id: m.ref,
    name: m.title,
    status: m.status,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    monitoring_at: null,
    resolved_at: m.completedAt,
    impact: 'maintenance',
    shortlink: m.url,
    started_at: m.startedAt ?? m.scheduledFor,
    page_id: PAGE_ID,
    scheduled_for: m.scheduledFor,
    scheduled_until: m.scheduledUntil,
    incident_updates: m.updates.map((u) => ({
      id: `${m.ref}-${u.id}`,
      status: u.status,
      body: u.message,
      incident_id: m.ref,
      created_at: u.createdAt,
      updated_at: u.createdAt,
      display_at: u.createdAt,
      affected_components: null,
      deliver_notifications: u.notify,
      custom_tweet: null,
      tweet_id: null,
    })),
    components: m.services.map(affectedComponent),
  };
}

/** Scheduled windows, soonest first. */
const upcoming = (model: SiteModel) =>
  model.maintenances.filter((m) => m.status === 'scheduled').sort((a, b) => byCodeUnits(a.scheduledFor, b.scheduledFor));
const active = (model: SiteModel) => model.maintenances.filter((m) => m.status === 'in_progress');

/** A service an incident or maintenance touches, as Statuspage lists it in `components`. */
const affectedComponent = (s: { slug: string; name: string; status: ServiceStatus }) => ({
  id: s.slug,
  name: s.name,
  status: s.status,
  page_id: PAGE_ID,
  group: false,
  only_show_if_degraded: false,
});

const unresolved = (model: SiteModel) => model.incidents.filter((i) => i.status !== 'resolved');

/** Every public JSON document, keyed by its path. */
export function statuspageDocuments(model: SiteModel): Record<string, unknown> {
  const p = page(model);
  const status = { indicator: model.overall.indicator, description: model.overall.description };
  const comps = components(model);
  const open = unresolved(model).map(incident);
  const soon = upcoming(model).map(scheduledMaintenance);
  const now = active(model).map(scheduledMaintenance);
  return {
    '/api/v2/summary.json': { page: p, components: comps, incidents: open, scheduled_maintenances: [...now, ...soon], status },
    '/api/v2/status.json': { page: p, status },
    '/api/v2/components.json': { page: p, components: comps },
    '/api/v2/incidents.json': { page: p, incidents: model.incidents.slice(0, 50).map(incident) },
    '/api/v2/incidents/unresolved.json': { page: p, incidents: open },
    '/api/v2/scheduled-maintenances.json': { page: p, scheduled_maintenances: model.maintenances.slice(0, 50).map(scheduledMaintenance) },
    '/api/v2/scheduled-maintenances/upcoming.json': { page: p, scheduled_maintenances: soon },
    '/api/v2/scheduled-maintenances/active.json': { page: p, scheduled_maintenances: now },
  };
}
