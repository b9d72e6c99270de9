import { makeRef } from '../../shared/refs.ts';
import type { Row } from '@libsql/client';
import { ConflictError, NotFoundError } from '../../shared/errors.ts';
import type { CreateServiceInput, PatchServiceInput, Service } from '../../shared/schemas.ts';
import type { ServiceStatus } from '../../shared/vocabulary.ts';
import type { Executor } from '../../platform/db/client.ts';

const SELECT = `
  SELECT s.id, s.slug, s.name, s.description, s.group_slug, g.name AS group_name, s.position, s.status, s.updated_at
  FROM services s LEFT JOIN service_groups g ON g.slug = s.group_slug`;

export type ServiceRow = Service & { id: number };

const toService = (r: Row): ServiceRow => ({
  id: Number(r.id),
  slug: String(r.slug),
  name: String(r.name),
  description: String(r.description),
  group: r.group_slug === null ? null : String(r.group_slug),
  groupName: r.group_name === null ? null : String(r.group_name),
  order: Number(r.position),
  status: String(r.status) as ServiceStatus,
  updatedAt: String(r.updated_at),
});

export type ServiceGroup = { slug: string; name: string; order: number };

/** Services in page order: by group position, then by the service's own position. */
export async function listServices(db: Executor): Promise<ServiceRow[]> {
  const { rows } = await db.execute(
    `${SELECT} WHERE s.archived_at IS NULL ORDER BY coalesce(g.position, 1e9), s.position, s.name`,
  );
  return rows.map(toService);
}

export async function listGroups(db: Executor): Promise<ServiceGroup[]> {
  const { rows } = await db.execute('SELECT slug, name, position FROM service_groups ORDER BY position, name');
  return rows.map((r) => ({ slug: String(r.slug), name: String(r.name), order: Number(r.position) }));
}

export async function getService(db: Executor, slug: string): Promise<ServiceRow> {
  const { rows } = await db.execute({ sql: `${SELECT} WHERE s.slug = ? AND s.archived_at IS NULL`, args: [slug] });
  const row = rows[0];
  if (!row) throw new NotFoundError(`[Services] No service "${slug}". GET /api/admin/services lists them.`);
  return toService(row);
}

/** Looks up every slug at once; names each unknown one so the caller can fix them all. */
export async function getServicesBySlug(db: Executor, slugs: readonly string[]): Promise<Map<string, ServiceRow>> {
  if (slugs.length === 0) return new Map();
  const { rows } = await db.execute({
    sql: `${SELECT} WHERE s.archived_at IS NULL AND s.slug IN (${slugs.map(() => '?').join(',')})`,
    args: [...slugs],
  });
  return new Map(rows.map((r) => [String(r.slug), toService(r)]));
}

export async function assertGroupExists(db: Executor, group: string | null | undefined): Promise<void> {
  if (!group) return;
  const { rows } = await db.execute({ sql: 'SELECT 1 FROM service_groups WHERE slug = ?', args: [group] });
  if (!rows[0]) throw new NotFoundError(`[Services] No group "${group}". Groups come from content/services.json.`);
}

export async function insertService(db: Executor, input: CreateServiceInput, now: Date): Promise<void> {
  const existing = await db.execute({ sql: 'SELECT archived_at FROM services WHERE slug = ?', args: [input.slug] });
  const at = now.toISOString();
  if (existing.rows[0] && existing.rows[0].archived_at === null) {
    throw new ConflictError(`[Services] A service "${input.slug}" exists already; PATCH it instead.`);
  }
  const position = input.order ?? Number((await db.execute('SELECT coalesce(max(position), -1) + 1 AS p FROM services')).rows[0]?.p ?? 0);
  // A slug that was deleted before comes back as the same service, so its history stays linked.
  await db.execute({
    sql: `INSERT INTO services (slug, name, description, group_slug, position, status, source, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, 'api', ?, ?)
          ON CONFLICT (slug) DO UPDATE SET name = excluded.name, description = excluded.description,
            group_slug = excluded.group_slug, position = excluded.position, status = excluded.status,
            updated_at = excluded.updated_at, archived_at = NULL`,
    args: [input.slug, input.name, input.description, input.group ?? null, position, input.status, at, at],
  });
}

/**
 * Edits a service; a status change made this way (not by an incident) is kept as a public event.
 * @returns the id of that event, or null when the status did not change.
 */
export async function updateService(db: Executor, slug: string, patch: PatchServiceInput, now: Date): Promise<number | null> {
  const current = await getService(db, slug);
  let eventId: number | null = null;
  if (patch.status && patch.status !== current.status) {
    const { rows } = await db.execute({
      sql: 'INSERT INTO service_events (service_id, from_status, to_status, at) VALUES (?, ?, ?, ?) RETURNING id',
      args: [current.id, current.status, patch.status, now.toISOString()],
    });
    eventId = Number(rows[0]?.id);
  }
  await db.execute({
    sql: `UPDATE services SET name = ?, description = ?, group_slug = ?, position = ?, status = ?, updated_at = ? WHERE id = ?`,
    args: [
      patch.name ?? current.name,
      patch.description ?? current.description,
      patch.group === undefined ? current.group : patch.group,
      patch.order ?? current.order,
      patch.status ?? current.status,
      now.toISOString(),
      current.id,
    ],
  });
  return eventId;
}

export async function setServiceStatus(db: Executor, serviceId: number, status: ServiceStatus, now: Date): Promise<void> {
  await db.execute({ sql: 'UPDATE services SET status = ?, updated_at = ? WHERE id = ?', args: [status, now.toISOString(), serviceId] });
}

/** Archives a service; refused while an open incident names it, so no open incident loses a service. */
export async function archiveService(db: Executor, slug: string, now: Date): Promise<ServiceRow> {
  const service = await getService(db, slug);
  const { rows } = await db.execute({
    sql: `SELECT i.id FROM incident_services x JOIN incidents i ON i.id = x.incident_id
          WHERE x.service_id = ? AND i.status <> 'resolved' ORDER BY i.id`,
    args: [service.id],
  });
  if (rows.length > 0) {
    const refs = rows.map((r) => makeRef('incident', Number(r.id))).join(', ');
    throw new ConflictError(`[Services] "${slug}" is affected by open incident(s) ${refs}; resolve them or remove the service from them first.`);
  }
  await db.execute({ sql: 'UPDATE services SET archived_at = ?, updated_at = ? WHERE id = ?', args: [now.toISOString(), now.toISOString(), service.id] });
  return service;
}

export type ServiceEvent = { slug: string; from: ServiceStatus; to: ServiceStatus; at: string };

/** Status changes made outside incidents since `since`, newest first. */
export async function listServiceEvents(db: Executor, since: Date): Promise<ServiceEvent[]> {
  const { rows } = await db.execute({
    sql: `SELECT s.slug, e.from_status, e.to_status, e.at FROM service_events e JOIN services s ON s.id = e.service_id
          WHERE e.at >= ? ORDER BY e.at DESC, e.id DESC LIMIT 1000`,
    args: [since.toISOString()],
  });
  return rows.map((r) => ({ slug: String(r.slug), from: String(r.from_status) as ServiceStatus, to: String(r.to_status) as ServiceStatus, at: String(r.at) }));
}

export type ServiceEventDetail = ServiceEvent & { id: number; name: string; createdAt: string };

export async function getServiceEvent(db: Executor, id: number): Promise<ServiceEventDetail | null> {
  const { rows } = await db.execute({
    sql: `SELECT e.id, s.slug, s.name, s.created_at, e.from_status, e.to_status, e.at FROM service_events e
          JOIN services s ON s.id = e.service_id WHERE e.id = ?`,
    args: [id],
  });
  const r = rows[0];
  if (!r) return null;
  return { id: Number(r.id), slug: String(r.slug), name: String(r.name), createdAt: String(r.created_at), from: String(r.from_status) as ServiceStatus, to: String(r.to_status) as ServiceStatus, at: String(r.at) };
}
