/** What the uptime report reads beside each service's status history: incidents by severity and maintenance windows. SQL only. */
import type { Severity } from '../../shared/vocabulary.ts';
import type { Executor } from '../../platform/db/client.ts';
import type { IncidentCount, MaintenanceSpan } from './schemas.ts';

/** Published incidents started in [fromIso, toIso), by affected service, UTC day and severity. */
export async function countIncidents(db: Executor, fromIso: string, toIso: string): Promise<IncidentCount[]> {
  const { rows } = await db.execute({
    sql: `SELECT x.service_id, substr(i.started_at, 1, 10) AS day, i.severity, count(*) AS n
          FROM incidents i JOIN incident_services x ON x.incident_id = i.id
          WHERE i.draft = 0 AND i.started_at >= ? AND i.started_at < ? GROUP BY 1, 2, 3`,
    args: [fromIso, toIso],
  });
  return rows.map((r) => ({ serviceId: Number(r.service_id), day: String(r.day), severity: String(r.severity) as Severity, count: Number(r.n) }));
}

/** Maintenance windows in progress at any time in [fromIso, toIso), once per service they affect. */
export async function maintenanceSpans(db: Executor, fromIso: string, toIso: string): Promise<MaintenanceSpan[]> {
  const { rows } = await db.execute({
    sql: `SELECT x.service_id, m.started_at, m.completed_at FROM maintenances m JOIN maintenance_services x ON x.maintenance_id = m.id
          WHERE m.started_at IS NOT NULL AND m.started_at < ? AND (m.completed_at IS NULL OR m.completed_at > ?)`,
    args: [toIso, fromIso],
  });
  return rows.map((r) => ({
    serviceId: Number(r.service_id),
    startedAt: String(r.started_at),
    completedAt: r.completed_at === null ? null : String(r.completed_at),
  }));
}
