/**
 * The incidents' pure rules: what readers see of a stored incident at `now`, what an update
 * does to the services, the plan's notify default, and what a write must refuse. No I/O; the
 * clock comes in as `now`.
 */
import type { Incident, ServiceChange, Update } from '../../shared/schemas.ts';
import { incidentDuration } from '../../shared/duration.ts';
import { ConflictError, ValidationError } from '../../shared/errors.ts';
import { freshness, promisedNextUpdate } from './deadline.ts';
import { SEVERITIES, type IncidentStatus, type ServiceStatus, type Severity } from '../../shared/vocabulary.ts';
import { makeRef } from '../../shared/refs.ts';
import { byCodeUnits } from '../../shared/order.ts';
import type { IncidentRecord } from './schemas.ts';

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
  const fresh = open ? freshness(new Date(lastUpdateAt), last?.nextUpdateBy ? new Date(last.nextUpdateBy) : null, now, site.updateIntervalMinutes) : null;
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
    postmortemDraft: record.postmortemDraft,
    postmortemBody: record.postmortemBody,
    postmortemPublishedAt: record.postmortemPublishedAt,
    postmortemNotifiedSubscribers: record.postmortemNotifiedAt !== null,
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

/**
 * The plan emails affected customers for P0/P1; lower severities notify when asked.
 * @example defaultNotify('P1') // true
 * @example defaultNotify('P2') // false
 */
export const defaultNotify = (severity: Severity): boolean => severity === 'P0' || severity === 'P1';

/**
 * The time an update promises the next one by; none once it resolves the incident.
 * @example nextUpdateBy('resolved', now, 10, 30) // null
 */
export function nextUpdateBy(status: IncidentStatus, postedAt: Date, nextUpdateInMinutes: number | undefined, intervalMinutes: number): string | null {
  return status === 'resolved' ? null : promisedNextUpdate(postedAt, nextUpdateInMinutes, intervalMinutes).toISOString();
}

/**
 * When the problem was first seen: the alert's start if given (never in the future), else the declaration.
 * @example detectionTime(undefined, new Date('2026-03-10T12:00:00Z')) // '2026-03-10T12:00:00.000Z'
 */
export function detectionTime(given: string | undefined, now: Date): string {
  if (!given) return now.toISOString();
  const at = new Date(given);
  if (at.getTime() > now.getTime()) {
    throw new ValidationError('[Incidents] detectedAt is in the future; give when the alert started, or leave it out to use now.', [
      { path: 'detectedAt', message: 'must not be in the future' },
    ]);
  }
  return at.toISOString();
}

/** A draft's first public words are its release, never an ordinary update or a reopening. */
export function refuseDraft(current: Pick<IncidentRecord, 'id' | 'draft'>): void {
  if (current.draft) {
    const ref = makeRef('incident', current.id);
    throw new ConflictError(`[Incidents] ${ref} is a draft nobody has published; publish the draft with its first message instead.`);
  }
}

/**
 * Removing a service from an open incident must not leave it showing that incident's outage
 * forever: refused while a removed service is not operational and no other open incident holds it.
 */
export function refuseDroppingDownServices(
  current: Pick<IncidentRecord, 'status' | 'services'>,
  kept: ReadonlySet<string>,
  heldByOthers: ReadonlySet<string>,
): void {
  if (current.status === 'resolved') return;
  const stillDown = current.services.filter((s) => !kept.has(s.slug) && s.status !== 'operational' && !heldByOthers.has(s.slug));
  if (stillDown.length > 0) {
    throw new ConflictError(
      `[Incidents] ${stillDown.map((s) => s.slug).join(', ')} still show ${stillDown.map((s) => s.status).join(', ')}; post an update setting them operational before removing them.`,
    );
  }
}

/** A service as the rules need it: its id, page order and status now. */
export type ServiceNow = { id: number; slug: string; name: string; status: ServiceStatus };

/**
 * The affected services as an incident reads them after `changes`: `services` in page order
 * (as the services feature lists them), each with its new status.
 */
export function servicesAfter(services: Iterable<ServiceNow>, changes: readonly PlannedChange[]): IncidentRecord['services'] {
  const to = new Map(changes.map((c) => [c.serviceId, c.to]));
  return [...services].map((s) => ({ slug: s.slug, name: s.name, status: to.get(s.id) ?? s.status }));
}

/** An update's service changes as its timeline shows them, in the services' page order. */
export function changesShown(services: Iterable<ServiceNow>, changes: readonly PlannedChange[]): Update['services'] {
  const byId = new Map(changes.map((c) => [c.serviceId, c]));
  return [...services].flatMap((s) => {
    const change = byId.get(s.id);
    return change ? [{ slug: s.slug, name: s.name, from: change.from, to: change.to }] : [];
  });
}

/**
 * The incident as its store will read it back after a write: `fields` changed, and `update`
 * (if any) on its timeline, which stays oldest first (by time, then id, as stored).
 */
export function afterWrite(current: IncidentRecord, fields: Partial<Omit<IncidentRecord, 'id' | 'updates'>>, update?: Update): IncidentRecord {
  const updates = update ? [...current.updates, update].sort((a, b) => byCodeUnits(a.createdAt, b.createdAt) || a.id - b.id) : current.updates;
  return { ...current, ...fields, updates };
}
