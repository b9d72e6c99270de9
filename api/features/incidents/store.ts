import type { Row, Transaction } from '@libsql/client';
import { actorLabel, type Actor } from '../../shared/actor.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { assertReopen, assertTransition } from './lifecycle.ts';
import { promisedNextUpdate } from './deadline.ts';
import { planServiceChanges, type IncidentRecord, type PlannedChange } from './rules.ts';
import type {
  CreateIncidentInput,
  PatchIncidentInput,
  PostUpdateInput,
  ReopenInput,
  ServiceChange,
  Update,
} from '../../shared/schemas.ts';
import type { IncidentStatus, ServiceStatus, Severity } from '../../shared/vocabulary.ts';
import { recordAudit } from '../audit/index.ts';
import type { Executor } from '../../platform/db/client.ts';
import { getServicesBySlug, setServiceStatus } from '../services/index.ts';
import { makeRef } from '../../shared/refs.ts';

/**
 * `drafts`: whether incidents alerts opened and nobody published are left out (the default, so
 * nothing that publishes, notifies or watches the cadence can see one), included, or the only ones.
 */
export type IncidentFilter = { state?: 'open' | 'resolved' | 'all'; ids?: number[]; serviceSlug?: string; limit?: number; drafts?: 'exclude' | 'include' | 'only' };

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',');

/** Loads incidents, newest first, with their affected services and whole timelines. */
export async function loadIncidents(db: Executor, filter: IncidentFilter = {}): Promise<IncidentRecord[]> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const drafts = filter.drafts ?? 'exclude';
  if (drafts === 'exclude') where.push('i.draft = 0');
  if (drafts === 'only') where.push('i.draft = 1');
  if (filter.state === 'open') where.push(`i.status <> 'resolved'`);
  if (filter.state === 'resolved') where.push(`i.status = 'resolved'`);
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    where.push(`i.id IN (${placeholders(filter.ids.length)})`);
    args.push(...filter.ids);
  }
  if (filter.serviceSlug) {
    where.push('i.id IN (SELECT x.incident_id FROM incident_services x JOIN services s ON s.id = x.service_id WHERE s.slug = ?)');
    args.push(filter.serviceSlug);
  }
  const { rows } = await db.execute({
    sql: `SELECT * FROM incidents i ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY i.started_at DESC, i.id DESC LIMIT ${Math.min(filter.limit ?? 1000, 5000)}`,
    args,
  });
  if (rows.length === 0) return [];
  const ids = rows.map((r) => Number(r.id));
  const [services, updates, changes, alerts] = await Promise.all([
    db.execute({
      sql: `SELECT x.incident_id, s.slug, s.name, s.status, s.position FROM incident_services x JOIN services s ON s.id = x.service_id
            WHERE x.incident_id IN (${placeholders(ids.length)}) ORDER BY s.position, s.name`,
      args: ids,
    }),
    db.execute({
      sql: `SELECT * FROM incident_updates WHERE incident_id IN (${placeholders(ids.length)}) ORDER BY created_at, id`,
      args: ids,
    }),
    db.execute({
      sql: `SELECT c.update_id, s.slug, s.name, c.from_status, c.to_status FROM update_service_changes c
            JOIN services s ON s.id = c.service_id JOIN incident_updates u ON u.id = c.update_id
            WHERE u.incident_id IN (${placeholders(ids.length)}) ORDER BY s.position, s.name`,
      args: ids,
    }),
    db.execute({
      sql: `SELECT incident_id, source, status, summary, link, received_at FROM incident_alerts
            WHERE incident_id IN (${placeholders(ids.length)}) ORDER BY id`,
      args: ids,
    }),
  ]);
  const alertsByIncident = groupBy(alerts.rows, (r) => Number(r.incident_id));
  const changesByUpdate = groupBy(changes.rows, (r) => Number(r.update_id));
  const updatesByIncident = groupBy(updates.rows, (r) => Number(r.incident_id));
  const servicesByIncident = groupBy(services.rows, (r) => Number(r.incident_id));
  return rows.map((r) => {
    const id = Number(r.id);
    return {
      id,
      title: String(r.title),
      severity: String(r.severity) as Severity,
      status: String(r.status) as IncidentStatus,
      impact: nullableString(r.impact),
      commander: nullableString(r.commander),
      startedAt: String(r.started_at),
      updatedAt: String(r.updated_at),
      resolvedAt: nullableString(r.resolved_at),
      rootCause: nullableString(r.root_cause),
      postmortemUrl: nullableString(r.postmortem_url),
      detectedAt: String(r.detected_at ?? r.started_at),
      acknowledgedAt: nullableString(r.acknowledged_at),
      postmortemCompletedAt: nullableString(r.postmortem_completed_at),
      draft: Number(r.draft) === 1,
      alerts: (alertsByIncident.get(id) ?? []).map((a) => ({
        source: String(a.source) as 'alertmanager' | 'pagerduty',
        status: String(a.status) as 'firing' | 'resolved' | 'acknowledged',
        summary: String(a.summary),
        link: nullableString(a.link),
        receivedAt: String(a.received_at),
      })),
      services: (servicesByIncident.get(id) ?? []).map((s) => ({
        slug: String(s.slug),
        name: String(s.name),
        status: String(s.status) as ServiceStatus,
      })),
      updates: (updatesByIncident.get(id) ?? []).map((u): Update => ({
        id: Number(u.id),
        status: String(u.status) as IncidentStatus,
        message: String(u.message),
        services: (changesByUpdate.get(Number(u.id)) ?? []).map((c) => ({
          slug: String(c.slug),
          name: String(c.name),
          from: String(c.from_status) as ServiceStatus,
          to: String(c.to_status) as ServiceStatus,
        })),
        eta: nullableString(u.eta),
        nextUpdateBy: nullableString(u.next_update_by),
        notify: Boolean(u.notify),
        createdAt: String(u.created_at),
        editedAt: nullableString(u.edited_at),
      })),
    };
  });
}

export async function loadIncident(db: Executor, id: number): Promise<IncidentRecord> {
  const [incident] = await loadIncidents(db, { ids: [id], drafts: 'include' });
  if (!incident) throw new NotFoundError(`[Incidents] No incident ${makeRef('incident', id)}. GET /api/admin/incidents?state=all lists them.`);
  return incident;
}

/** Who writes, when, and the longest gap the rules allow between updates. */
export type WriteContext = { actor: Actor; now: Date; updateIntervalMinutes: number };

/** Creates an incident with its first update, sets the services it names, and audits it. */
export async function createIncident(tx: Transaction, input: CreateIncidentInput, ctx: WriteContext): Promise<{ incidentId: number; updateId: number }> {
  const at = ctx.now.toISOString();
  const services = await resolveServices(tx, input.services.map((s) => s.slug));
  const resolvedAt = input.status === 'resolved' ? at : null;
  const detectedAt = detectionTime(input.detectedAt, ctx.now);
  const inserted = await tx.execute({
    sql: `INSERT INTO incidents (title, severity, status, impact, commander, started_at, updated_at, resolved_at, detected_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    args: [input.title, input.severity, input.status, input.impact ?? null, input.commander ?? null, at, at, resolvedAt, detectedAt],
  });
  const id = Number(inserted.rows[0]?.id);
  for (const service of services.values()) {
    await tx.execute({ sql: 'INSERT INTO incident_services (incident_id, service_id) VALUES (?, ?)', args: [id, service.id] });
  }
  const changes = planServiceChanges(services, input.services, null);
  const updateId = await insertUpdate(tx, id, { ...input, notify: input.notify ?? defaultNotify(input.severity) }, changes, ctx);
  await recordAudit(tx, { actor: ctx.actor, action: 'incident.create', entity: 'incident', ref: makeRef('incident', id), after: input }, ctx.now);
  return { incidentId: id, updateId };
}

/** Posts an update: checks the lifecycle, applies service changes, and on resolution records the outcome. */
export async function postUpdate(tx: Transaction, id: number, input: PostUpdateInput, ctx: WriteContext): Promise<number> {
  const current = await loadIncident(tx, id);
  refuseDraft(current);
  assertTransition(current.status, input.status);
  const resolving = input.status === 'resolved';
  const requested = input.services ?? [];
  const services = await resolveServices(tx, [...new Set([...current.services.map((s) => s.slug), ...requested.map((s) => s.slug)])]);
  await addAffectedServices(tx, id, requested, services);
  const changes = planServiceChanges(
    services,
    requested,
    resolving ? { affected: current.services.map((s) => s.slug), heldByOtherIncidents: await servicesHeldByOthers(tx, id) } : null,
  );
  const updateId = await insertUpdate(tx, id, { ...input, notify: input.notify ?? defaultNotify(current.severity) }, changes, ctx);
  const at = ctx.now.toISOString();
  await tx.execute({
    sql: `UPDATE incidents SET status = ?, updated_at = ?, resolved_at = ?, root_cause = coalesce(?, root_cause),
          postmortem_url = coalesce(?, postmortem_url) WHERE id = ?`,
    args: [input.status, at, resolving ? at : null, input.rootCause ?? null, input.postmortemUrl ?? null, id],
  });
  await recordAudit(tx, { actor: ctx.actor, action: 'update.create', entity: 'incident', ref: makeRef('incident', id), before: { status: current.status }, after: input }, ctx.now);
  return updateId;
}

/** Reopens a resolved incident: its own action, so a misdirected update cannot do it. */
export async function reopenIncident(tx: Transaction, id: number, input: ReopenInput, ctx: WriteContext): Promise<number> {
  const current = await loadIncident(tx, id);
  refuseDraft(current);
  assertReopen(current.status, input.status);
  const requested = input.services ?? [];
  const services = await resolveServices(tx, [...new Set([...current.services.map((s) => s.slug), ...requested.map((s) => s.slug)])]);
  await addAffectedServices(tx, id, requested, services);
  const changes = planServiceChanges(services, requested, null);
  const updateId = await insertUpdate(tx, id, { ...input, notify: input.notify ?? defaultNotify(current.severity) }, changes, ctx);
  await tx.execute({
    sql: 'UPDATE incidents SET status = ?, updated_at = ?, resolved_at = NULL WHERE id = ?',
    args: [input.status, ctx.now.toISOString(), id],
  });
  await recordAudit(tx, { actor: ctx.actor, action: 'incident.reopen', entity: 'incident', ref: makeRef('incident', id), before: { status: current.status, resolvedAt: current.resolvedAt }, after: input }, ctx.now);
  return updateId;
}

/** Edits an incident's own fields; the audit log keeps the record before and after. */
export async function patchIncident(tx: Transaction, id: number, patch: PatchIncidentInput, ctx: WriteContext): Promise<void> {
  const current = await loadIncident(tx, id);
  const before = pick(current, patch);
  if (patch.services) {
    const services = await resolveServices(tx, patch.services);
    const removed = current.services.filter((s) => !services.has(s.slug)).map((s) => s.slug);
    if (current.status !== 'resolved' && removed.length > 0) {
      // Removing a service from an open incident must not leave it showing that incident's outage forever.
      const held = await servicesHeldByOthers(tx, id);
      const stillDown = current.services.filter((s) => removed.includes(s.slug) && s.status !== 'operational' && !held.has(s.slug));
      if (stillDown.length > 0) {
        throw new ConflictError(
          `[Incidents] ${stillDown.map((s) => s.slug).join(', ')} still show ${stillDown.map((s) => s.status).join(', ')}; post an update setting them operational before removing them.`,
        );
      }
    }
    await tx.execute({ sql: 'DELETE FROM incident_services WHERE incident_id = ?', args: [id] });
    for (const service of services.values()) {
      await tx.execute({ sql: 'INSERT INTO incident_services (incident_id, service_id) VALUES (?, ?)', args: [id, service.id] });
    }
  }
  await tx.execute({
    sql: `UPDATE incidents SET title = ?, impact = ?, severity = ?, commander = ?, root_cause = ?, postmortem_url = ?, updated_at = ? WHERE id = ?`,
    args: [
      patch.title ?? current.title,
      patch.impact === undefined ? current.impact : patch.impact,
      patch.severity ?? current.severity,
      patch.commander === undefined ? current.commander : patch.commander,
      patch.rootCause === undefined ? current.rootCause : patch.rootCause,
      patch.postmortemUrl === undefined ? current.postmortemUrl : patch.postmortemUrl,
      ctx.now.toISOString(),
      id,
    ],
  });
  await recordAudit(tx, { actor: ctx.actor, action: 'incident.edit', entity: 'incident', ref: makeRef('incident', id), before, after: patch }, ctx.now);
}

/** Corrects an update's message; the page marks it edited and the audit log keeps both versions. */
export async function editUpdateMessage(tx: Transaction, id: number, updateId: number, message: string, ctx: WriteContext): Promise<void> {
  const { rows } = await tx.execute({ sql: 'SELECT message FROM incident_updates WHERE id = ? AND incident_id = ?', args: [updateId, id] });
  const row = rows[0];
  if (!row) throw new NotFoundError(`[Incidents] ${makeRef('incident', id)} has no update ${updateId}.`);
  if (String(row.message) === message) return;
  await tx.execute({ sql: 'UPDATE incident_updates SET message = ?, edited_at = ? WHERE id = ?', args: [message, ctx.now.toISOString(), updateId] });
  await tx.execute({ sql: 'UPDATE incidents SET updated_at = ? WHERE id = ?', args: [ctx.now.toISOString(), id] });
  await recordAudit(
    tx,
    { actor: ctx.actor, action: 'update.edit', entity: 'update', ref: `${makeRef('incident', id)}/${updateId}`, before: { message: String(row.message) }, after: { message } },
    ctx.now,
  );
}

/** A draft's first public words are its publication (POST …/publish), never an ordinary update. */
function refuseDraft(current: IncidentRecord): void {
  if (current.draft) {
    throw new ConflictError(`[Incidents] ${makeRef('incident', current.id)} is a draft nobody has published; POST /api/admin/incidents/${makeRef('incident', current.id)}/publish with its first message.`);
  }
}

/** When the problem was first seen: the alert's start if given (never in the future), else the declaration. */
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

/** Services named by open incidents other than `id`. */
async function servicesHeldByOthers(tx: Executor, id: number): Promise<Set<string>> {
  const { rows } = await tx.execute({
    sql: `SELECT DISTINCT s.slug FROM incident_services x JOIN incidents i ON i.id = x.incident_id JOIN services s ON s.id = x.service_id
          WHERE i.status <> 'resolved' AND i.draft = 0 AND i.id <> ?`,
    args: [id],
  });
  return new Set(rows.map((r) => String(r.slug)));
}

export async function resolveServices(tx: Executor, slugs: readonly string[]) {
  const found = await getServicesBySlug(tx, slugs);
  const unknown = slugs.filter((s) => !found.has(s));
  if (unknown.length > 0) {
    throw new ValidationError(
      `[Incidents] Unknown service(s): ${unknown.join(', ')}. GET /api/admin/services lists the slugs.`,
      unknown.map((slug) => ({ path: 'services', message: `no service "${slug}"` })),
    );
  }
  return found;
}

export async function addAffectedServices(tx: Executor, id: number, requested: readonly ServiceChange[], services: Map<string, { id: number }>) {
  for (const { slug } of requested) {
    const service = services.get(slug);
    if (service) {
      await tx.execute({ sql: 'INSERT OR IGNORE INTO incident_services (incident_id, service_id) VALUES (?, ?)', args: [id, service.id] });
    }
  }
}

type UpdateFields = {
  status: IncidentStatus;
  message: string;
  eta?: string | undefined;
  nextUpdateInMinutes?: number | undefined;
  notify: boolean;
};

export async function insertUpdate(tx: Executor, incidentId: number, input: UpdateFields, changes: PlannedChange[], ctx: WriteContext): Promise<number> {
  const nextUpdateBy =
    input.status === 'resolved' ? null : promisedNextUpdate(ctx.now, input.nextUpdateInMinutes, ctx.updateIntervalMinutes).toISOString();
  const inserted = await tx.execute({
    sql: `INSERT INTO incident_updates (incident_id, status, message, eta, next_update_by, notify, author, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    args: [incidentId, input.status, input.message, input.eta ? new Date(input.eta).toISOString() : null, nextUpdateBy, input.notify ? 1 : 0, actorLabel(ctx.actor), ctx.now.toISOString()],
  });
  const updateId = Number(inserted.rows[0]?.id);
  for (const change of changes) {
    await tx.execute({
      sql: 'INSERT INTO update_service_changes (update_id, service_id, from_status, to_status) VALUES (?, ?, ?, ?)',
      args: [updateId, change.serviceId, change.from, change.to],
    });
    await setServiceStatus(tx, change.serviceId, change.to, ctx.now);
  }
  return updateId;
}

/** The plan emails affected customers for P0/P1; lower severities notify when asked. */
export const defaultNotify = (severity: Severity): boolean => severity === 'P0' || severity === 'P1';

function pick(current: IncidentRecord, patch: PatchIncidentInput): Record<string, unknown> {
  const before: Record<string, unknown> = {};
  for (const key of Object.keys(patch)) {
    before[key] = key === 'services' ? current.services.map((s) => s.slug) : current[key as keyof IncidentRecord];
  }
  return before;
}

function nullableString(value: Row[string] | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
