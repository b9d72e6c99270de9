import type { AlertNote, Incident, ServiceChange, Update } from '../../shared/schemas.ts';
import { incidentDuration } from '../../shared/duration.ts';
import { freshness } from './deadline.ts';
import { SEVERITIES, type IncidentStatus, type ServiceStatus, type Severity } from '../../shared/vocabulary.ts';
import { makeRef } from '../../shared/refs.ts';
import { byCodeUnits } from '../../shared/order.ts';

/** An incident as stored, before the rules derive its cadence, duration and links. */
export type IncidentRecord = {
  id: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  impact: string | null;
  commander: string | null;
  startedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  rootCause: string | null;
  postmortemUrl: string | null;
  /** Internal (never published): when it was first seen, acknowledged, and its postmortem completed. */
  detectedAt: string;
  acknowledgedAt: string | null;
  postmortemCompletedAt: string | null;
  services: { slug: string; name: string; status: ServiceStatus }[];
  /** Oldest first. */
  updates: Update[];
  /** Opened by an alert and not yet published: nothing public shows it. */
  draft: boolean;
  /** Internal: the alerts received for it, oldest first. */
  alerts: AlertNote[];
};

export const POSTMORTEM_WINDOW_MS = 48 * 3600_000;

/** The plan: a postmortem within 48 hours of resolution for P0 and P1. */
export function postmortemDueAt(severity: Severity, resolvedAt: string | null): string | null {
  if (!resolvedAt || (severity !== 'P0' && severity !== 'P1')) return null;
  return new Date(new Date(resolvedAt).getTime() + POSTMORTEM_WINDOW_MS).toISOString();
}

/**
 * Derives what readers need from a stored incident at `now`: its permalink, duration, the
 * next-update deadline and whether it has passed. Updates come out newest first.
 */
export function toIncident(record: IncidentRecord, now: Date, site: { publicUrl: string; updateIntervalMinutes: number }): Incident {
  const last = record.updates.at(-1);
  const lastUpdateAt = last?.createdAt ?? record.startedAt;
  // A draft has no public update yet, so no public deadline: the 30-minute cadence starts
  // with the first message a person publishes.
  const open = record.status !== 'resolved' && !record.draft;
  const fresh = open
    ? freshness(new Date(lastUpdateAt), last?.nextUpdateBy ? new Date(last.nextUpdateBy) : null, now, site.updateIntervalMinutes)
    : null;
  const ref = makeRef('incident', record.id);
  return {
    ref,
    draft: record.draft,
    url: `${site.publicUrl}/incidents/${ref}`,
    title: record.title,
    severity: record.severity,
    status: record.status,
    impact: record.impact,
    commander: record.commander,
    services: record.services,
    startedAt: record.startedAt,
    updatedAt: record.updatedAt,
    resolvedAt: record.resolvedAt,
    durationMs: incidentDuration(new Date(record.startedAt), record.resolvedAt ? new Date(record.resolvedAt) : null, now),
    rootCause: record.rootCause,
    postmortemUrl: record.postmortemUrl,
    postmortemDueAt: postmortemDueAt(record.severity, record.resolvedAt),
    detectedAt: record.detectedAt,
    acknowledgedAt: record.acknowledgedAt,
    postmortemCompletedAt: record.postmortemCompletedAt,
    lastUpdateAt,
    nextUpdateDueAt: fresh ? fresh.nextUpdateDueAt.toISOString() : null,
    overdue: fresh?.overdue ?? false,
    updates: [...record.updates].reverse(),
    alerts: record.alerts,
  };
}

export type PlannedChange = { serviceId: number; slug: string; from: ServiceStatus; to: ServiceStatus };

/**
 * The service status changes an update makes: the ones it asks for that differ from now, and
 * — when it resolves the incident — every affected service it left unnamed goes back to
 * operational unless another open incident still affects it.
 */
export function planServiceChanges(
  current: ReadonlyMap<string, { id: number; status: ServiceStatus }>,
  requested: readonly ServiceChange[],
  resolving: { affected: readonly string[]; heldByOtherIncidents: ReadonlySet<string> } | null,
): PlannedChange[] {
  const changes: PlannedChange[] = [];
  for (const { slug, status } of requested) {
    const service = current.get(slug);
    if (service && service.status !== status) changes.push({ serviceId: service.id, slug, from: service.status, to: status });
  }
  if (resolving) {
    const named = new Set(requested.map((r) => r.slug));
    for (const slug of resolving.affected) {
      const service = current.get(slug);
      if (!service || named.has(slug) || resolving.heldByOtherIncidents.has(slug)) continue;
      if (service.status !== 'operational') changes.push({ serviceId: service.id, slug, from: service.status, to: 'operational' });
    }
  }
  return changes;
}

/**
 * The order active incidents are listed in: the most severe first (P0 before P3), then the
 * most recently started. A comparator for `Array.prototype.sort`.
 * @example [p2Old, p0, p2New].sort(bySeverityThenNewest) // [p0, p2New, p2Old]
 */
export function bySeverityThenNewest(a: { severity: Severity; startedAt: string }, b: { severity: Severity; startedAt: string }): number {
  return SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || byCodeUnits(b.startedAt, a.startedAt);
}
