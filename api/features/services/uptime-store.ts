/**
 * What the uptime bars are computed from (api/features/services/uptime.ts), for every listed service at
 * once: its creation, its status changes since the window's start — made by incident updates
 * or outside incidents — and the incidents open at any time since then. Every query is bounded
 * by the window (90 days × services), never by how long the history is, but one: when Herald
 * first knew each service, which looks up its oldest status change (by index) and its
 * incidents' starts (by index, each service's own incidents).
 */
import { makeRef } from '../../shared/refs.ts';
import type { ServiceStatus } from '../../shared/vocabulary.ts';
import type { Executor } from '../../platform/db/client.ts';
import type { ServiceOrigin, UptimeHistory } from './schemas.ts';

/**
 * When Herald first knew a service (`s`): the earliest of its creation, its oldest status change
 * set outside incidents, and the start of its oldest published incident — history entered with
 * past times is older than the service's creation. Looked up (by index, each service's own
 * history) only for a service created after `?`, the window's start: one created before has
 * every day of the window counted whatever came earlier, and looking would cost a read of its
 * whole history.
 */
const KNOWN_SINCE = `CASE WHEN s.created_at > ? THEN min(
  s.created_at,
  coalesce((SELECT min(e.at) FROM service_events e WHERE e.service_id = s.id), s.created_at),
  coalesce((SELECT min(i.started_at) FROM incident_services x JOIN incidents i ON i.id = x.incident_id WHERE x.service_id = s.id AND i.draft = 0), s.created_at)
) ELSE s.created_at END`;

export type { UptimeHistory };

/**
 * Each listed service's history since `since`, by service slug: every service's, or only those
 * of `serviceIds` (what a publish knows was written since the last).
 */
export async function loadUptimeHistory(db: Executor, since: Date, serviceIds?: readonly number[]): Promise<Map<string, UptimeHistory>> {
  if (serviceIds?.length === 0) return new Map();
  const at = since.toISOString();
  const ids = serviceIds ?? [];
  const only = (column: string) => (serviceIds ? ` AND ${column} IN (${ids.map(() => '?').join(', ')})` : '');
  const [services, changes, incidents] = await Promise.all([
    db.execute({
      sql: `SELECT id, slug, created_at, ${KNOWN_SINCE} AS known_since FROM services s WHERE archived_at IS NULL${only('id')}`,
      args: [at, ...ids],
    }),
    // Both kinds of change, oldest first; the id keeps two changes in the same millisecond in order.
    db.execute({
      sql: `SELECT service_id, at, from_status, to_status, 0 AS kind, id FROM service_events WHERE at >= ?${only('service_id')}
            UNION ALL
            SELECT c.service_id, u.created_at, c.from_status, c.to_status, 1, u.id
              FROM incident_updates u JOIN update_service_changes c ON c.update_id = u.id WHERE u.created_at >= ?${only('c.service_id')}
            ORDER BY 2, 5, 6`,
      args: [at, ...ids, at, ...ids],
    }),
    db.execute({
      sql: `SELECT x.service_id, i.id, i.started_at, i.resolved_at FROM incidents i JOIN incident_services x ON x.incident_id = i.id
              WHERE i.draft = 0 AND i.status IN ('investigating','mitigating','monitoring')${only('x.service_id')}
            UNION
            SELECT x.service_id, i.id, i.started_at, i.resolved_at FROM incidents i JOIN incident_services x ON x.incident_id = i.id
              WHERE i.draft = 0 AND i.resolved_at >= ?${only('x.service_id')}`,
      args: [...ids, at, ...ids],
    }),
  ]);
  const byId = new Map<number, UptimeHistory>();
  const bySlug = new Map<string, UptimeHistory>();
  for (const r of services.rows) {
    const createdAt = String(r.created_at);
    const knownSince = String(r.known_since);
    const history: UptimeHistory = { createdAt, knownSince: knownSince < createdAt ? knownSince : null, changes: [], incidents: [] };
    byId.set(Number(r.id), history);
    bySlug.set(String(r.slug), history);
  }
  for (const r of changes.rows) {
    byId.get(Number(r.service_id))?.changes.push({ at: String(r.at), from: String(r.from_status) as ServiceStatus, to: String(r.to_status) as ServiceStatus });
  }
  for (const r of incidents.rows) {
    byId.get(Number(r.service_id))?.incidents.push({
      ref: makeRef('incident', Number(r.id)),
      startedAt: String(r.started_at),
      resolvedAt: r.resolved_at === null ? null : String(r.resolved_at),
    });
  }
  return bySlug;
}

/**
 * Every listed service's creation and the day its history starts (Statuspage's `created_at`
 * and `start_date`), by slug, with the uptime window opening at `since`: the same dates the
 * uptime figures count from (`computeUptime`'s `createdAt` and `startDate`), for what is built
 * without them (webhooks).
 */
export async function loadServiceOrigins(db: Executor, since: Date): Promise<Map<string, ServiceOrigin>> {
  const { rows } = await db.execute({
    sql: `SELECT slug, created_at, ${KNOWN_SINCE} AS known_since FROM services s WHERE archived_at IS NULL`,
    args: [since.toISOString()],
  });
  return new Map(rows.map((r) => [String(r.slug), { createdAt: String(r.created_at), startDate: String(r.known_since).slice(0, 10) }]));
}
