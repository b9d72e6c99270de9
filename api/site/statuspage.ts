/**
 * Atlassian Statuspage's public API shapes (`/api/v2/*.json`), with the same field names,
 * types and vocabulary, so widgets, aggregators and scripts written for Statuspage read
 * Herald unchanged. Pure: model in, JSON-ready objects out.
 */
import { IMPACT_BY_SEVERITY, STATUSPAGE_INCIDENT_STATUS } from '../shared/vocabulary.ts';
import {
  affectedComponent,
  componentsById,
  STATUSPAGE_PAGE_ID as PAGE_ID,
  statuspageComponents,
  statuspageUpdateId,
  type StatuspageComponent,
} from '../shared/statuspage-components.ts';
import type { IncidentView, MaintenanceView, SiteModel } from './model.ts';
import { byCodeUnits } from '../shared/order.ts';
import { displayStatus, statuspageStatus } from '../features/upstreams/index.ts';

function page(model: SiteModel) {
  return { id: PAGE_ID, name: model.site.name, url: model.site.publicUrl, time_zone: 'Etc/UTC', updated_at: model.updatedAt };
}

/**
 * Services as Statuspage components (api/shared/statuspage-components.ts); each group is a
 * component with `group: true` listing its members. When each service was created and the day
 * its history starts come with its uptime (api/features/services/uptime.ts).
 */
function components(model: SiteModel): StatuspageComponent[] {
  const list = statuspageComponents(
    model.groups.map((g) => ({
      slug: g.slug,
      name: g.name,
      services: g.services.map((s) => ({
        ...s,
        status: statuspageStatus(s.status, model.upstreams[s.slug]),
        createdAt: model.uptime[s.slug]?.createdAt ?? null,
        startDate: model.uptime[s.slug]?.startDate ?? null,
      })),
    })),
  );
  // A service that follows a provider says so, in Herald's own fields beside Statuspage's.
  const stored = new Map(model.services.map((s) => [s.slug, s.status]));
  return list.map((c) => {
    const upstream = c.group ? undefined : model.upstreams[c.id];
    if (!upstream) return c;
    return {
      ...c,
      herald_status: displayStatus(stored.get(c.id) ?? c.status, upstream),
      upstream: {
        provider: upstream.provider,
        page_url: upstream.pageUrl,
        status: upstream.upstreamStatus,
        known: upstream.known,
        read_at: upstream.lastReadAt,
        unreadable_since: upstream.unreadableSince,
        incident: upstream.incident,
      },
    };
  });
}

function incident(i: IncidentView, listed: ReadonlyMap<string, StatuspageComponent>) {
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
      id: statuspageUpdateId(i.ref, u.id),
      status: STATUSPAGE_INCIDENT_STATUS[u.status],
      body: u.message,
      incident_id: i.ref,
      created_at: u.createdAt,
      updated_at: u.editedAt ?? u.createdAt,
      display_at: u.createdAt,
      affected_components: u.services.length ? u.services.map((c) => ({ code: c.slug, name: c.name, old_status: c.from, new_status: c.to })) : null,
      deliver_notifications: u.notify,
      custom_tweet: null,
      tweet_id: null,
    })),
    components: i.services.map((s) => affectedComponent(listed, s)),
    postmortem_body: i.postmortemBody,
    postmortem_published_at: i.postmortemPublishedAt,
    postmortem_notified_subscribers: i.postmortemNotifiedSubscribers,
  };
}

/**
 * A window as a Statuspage scheduled maintenance: impact `maintenance`, the planned window in
 * `scheduled_for` / `scheduled_until`, `resolved_at` when it was completed. Herald's statuses
 * are a subset of Statuspage's (it also has `verifying`), so they pass through unchanged.
 */
function scheduledMaintenance(m: MaintenanceView, listed: ReadonlyMap<string, StatuspageComponent>) {
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
      id: statuspageUpdateId(m.ref, u.id),
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
    components: m.services.map((s) => affectedComponent(listed, s)),
  };
}

/** Scheduled windows, soonest first. */
const upcoming = (model: SiteModel) => model.maintenances.filter((m) => m.status === 'scheduled').sort((a, b) => byCodeUnits(a.scheduledFor, b.scheduledFor));
const active = (model: SiteModel) => model.maintenances.filter((m) => m.status === 'in_progress');

const unresolved = (model: SiteModel) => model.incidents.filter((i) => i.status !== 'resolved');

/** Every public JSON document, keyed by its path. */
export function statuspageDocuments(model: SiteModel): Record<string, unknown> {
  const p = page(model);
  const status = { indicator: model.overall.indicator, description: model.overall.description };
  const comps = components(model);
  const listed = componentsById(comps);
  const open = unresolved(model).map((i) => incident(i, listed));
  const soon = upcoming(model).map((m) => scheduledMaintenance(m, listed));
  const now = active(model).map((m) => scheduledMaintenance(m, listed));
  return {
    '/api/v2/summary.json': { page: p, components: comps, incidents: open, scheduled_maintenances: [...now, ...soon], status },
    '/api/v2/status.json': { page: p, status },
    '/api/v2/components.json': { page: p, components: comps },
    '/api/v2/incidents.json': { page: p, incidents: model.incidents.slice(0, 50).map((i) => incident(i, listed)) },
    '/api/v2/incidents/unresolved.json': { page: p, incidents: open },
    '/api/v2/scheduled-maintenances.json': { page: p, scheduled_maintenances: model.maintenances.slice(0, 50).map((m) => scheduledMaintenance(m, listed)) },
    '/api/v2/scheduled-maintenances/upcoming.json': { page: p, scheduled_maintenances: soon },
    '/api/v2/scheduled-maintenances/active.json': { page: p, scheduled_maintenances: now },
  };
}
