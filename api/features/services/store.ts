/**
 * Services, their groups and their status events in SQL. Which writes are allowed (a slug
 * taken, a group unknown, a service an open incident names) is decided in commands.ts.
 */
import type { Row } from '@libsql/client';
import type { CreateServiceInput, PatchServiceInput } from '../../shared/schemas.ts';
import type { ServiceStatus } from '../../shared/vocabulary.ts';
import type { Executor } from '../../platform/db/client.ts';
import type { ServiceEvent, ServiceEventDetail, ServiceGroup, ServiceRow } from './schemas.ts';

export type { ServiceEvent, ServiceEventDetail, ServiceGroup, ServiceRow };

const SELECT = `
  SELECT s.id, s.slug, s.name, s.description, s.group_slug, g.name AS group_name, s.position, s.status, s.updated_at
  FROM services s LEFT JOIN service_groups g ON g.slug = s.group_slug`;

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

/** Services in page order: by group position, then by the service's own position. */
export async function listServices(db: Executor): Promise<ServiceRow[]> {
  const { rows } = await db.execute(`${SELECT} WHERE s.archived_at IS NULL ORDER BY coalesce(g.position, 1e9), s.position, s.name`);
  return rows.map(toService);
}

export async function listGroups(db: Executor): Promise<ServiceGroup[]> {
  const { rows } = await db.execute('SELECT slug, name, position FROM service_groups ORDER BY position, name');
  return rows.map((r) => ({ slug: String(r.slug), name: String(r.name), order: Number(r.position) }));
}

/** A live (not archived) service; null when there is none. */
export async function findService(db: Executor, slug: string): Promise<ServiceRow | null> {
  const { rows } = await db.execute({ sql: `${SELECT} WHERE s.slug = ? AND s.archived_at IS NULL`, args: [slug] });
  const row = rows[0];
  return row ? toService(row) : null;
}

/** The live services among `slugs`, in page order (position, then name); an unknown slug is simply absent. */
export async function getServicesBySlug(db: Executor, slugs: readonly string[]): Promise<Map<string, ServiceRow>> {
  if (slugs.length === 0) return new Map();
  const { rows } = await db.execute({
    sql: `${SELECT} WHERE s.archived_at IS NULL AND s.slug IN (${slugs.map(() => '?').join(',')}) ORDER BY s.position, s.name`,
    args: [...slugs],
  });
  return new Map(rows.map((r) => [String(r.slug), toService(r)]));
}

export async function groupExists(db: Executor, group: string): Promise<boolean> {
  const { rows } = await db.execute({ sql: 'SELECT 1 FROM service_groups WHERE slug = ?', args: [group] });
  return rows.length > 0;
}

/**
 * Adds a service at the end of the page unless given an order. A slug that was deleted
 * before comes back as the same service, so its history stays linked; the caller has checked
 * that no live service has the slug.
 */
export async function insertService(db: Executor, input: CreateServiceInput, now: Date): Promise<void> {
  const at = now.toISOString();
  const position = input.order ?? Number((await db.execute('SELECT coalesce(max(position), -1) + 1 AS p FROM services')).rows[0]?.p ?? 0);
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
 * Edits a live service; a status change made this way (not by an incident) is kept as a public
 * event, marked `automatic` when no person made it (a service with "autoStatus" following a signal).
 * @returns the id of that event, or null when the status did not change (or there is no such service).
 */
export async function updateService(db: Executor, slug: string, patch: PatchServiceInput, now: Date, automatic = false): Promise<number | null> {
  const current = await findService(db, slug);
  if (!current) return null;
  let eventId: number | null = null;
  if (patch.status && patch.status !== current.status) {
    const { rows } = await db.execute({
      sql: 'INSERT INTO service_events (service_id, from_status, to_status, at, automatic) VALUES (?, ?, ?, ?, ?) RETURNING id',
      args: [current.id, current.status, patch.status, now.toISOString(), automatic ? 1 : 0],
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

/** The ids of the open incidents that name a service, lowest first. */
export async function openIncidentsNaming(db: Executor, serviceId: number): Promise<number[]> {
  const { rows } = await db.execute({
    sql: `SELECT i.id FROM incident_services x JOIN incidents i ON i.id = x.incident_id
          WHERE x.service_id = ? AND i.status <> 'resolved' ORDER BY i.id`,
    args: [serviceId],
  });
  return rows.map((r) => Number(r.id));
}

/** Archives a service: it leaves the page and the lists; its history stays. */
export async function archiveService(db: Executor, serviceId: number, now: Date): Promise<void> {
  await db.execute({ sql: 'UPDATE services SET archived_at = ?, updated_at = ? WHERE id = ?', args: [now.toISOString(), now.toISOString(), serviceId] });
}

/** Status changes made outside incidents since `since`, newest first. */
export async function listServiceEvents(db: Executor, since: Date): Promise<ServiceEvent[]> {
  const { rows } = await db.execute({
    sql: `SELECT s.slug, e.from_status, e.to_status, e.at, e.automatic FROM service_events e JOIN services s ON s.id = e.service_id
          WHERE e.at >= ? ORDER BY e.at DESC, e.id DESC LIMIT 1000`,
    args: [since.toISOString()],
  });
  return rows.map((r) => ({
    slug: String(r.slug),
    from: String(r.from_status) as ServiceStatus,
    to: String(r.to_status) as ServiceStatus,
    at: String(r.at),
    ...(Number(r.automatic) === 1 ? { automatic: true } : {}),
  }));
}

export async function getServiceEvent(db: Executor, id: number): Promise<ServiceEventDetail | null> {
  const { rows } = await db.execute({
    sql: `SELECT e.id, s.slug, s.name, s.created_at, e.from_status, e.to_status, e.at FROM service_events e
          JOIN services s ON s.id = e.service_id WHERE e.id = ?`,
    args: [id],
  });
  const r = rows[0];
  if (!r) return null;
  return {
    id: Number(r.id),
    slug: String(r.slug),
    name: String(r.name),
    createdAt: String(r.created_at),
    from: String(r.from_status) as ServiceStatus,
    to: String(r.to_status) as ServiceStatus,
    at: String(r.at),
  };
}
