/**
 * Incidents in SQL: reading them whole (services, timeline, alerts) and the statements each
 * write is made of. Nothing else: which writes are allowed, what they default to and what the
 * audit log says of them are decided in commands.ts and rules.ts.
 */
import type { Row } from '@libsql/client';
import type { Update } from '../../shared/schemas.ts';
import type { IncidentStatus, ServiceStatus, Severity } from '../../shared/vocabulary.ts';
import type { Executor } from '../../platform/db/client.ts';
import type { IncidentFilter, IncidentRecord } from './schemas.ts';

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
      postmortemDraft: nullableString(r.postmortem_draft),
      postmortemBody: nullableString(r.postmortem_body),
      postmortemPublishedAt: nullableString(r.postmortem_published_at),
      postmortemNotifiedAt: nullableString(r.postmortem_notified_at),
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
      updates: (updatesByIncident.get(id) ?? []).map(
        (u): Update => ({
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
        }),
      ),
    };
  });
}

/** One incident, drafts included; null when there is none. */
export async function findIncident(db: Executor, id: number): Promise<IncidentRecord | null> {
  const [incident] = await loadIncidents(db, { ids: [id], drafts: 'include' });
  return incident ?? null;
}

export type IncidentRow = {
  title: string;
  severity: Severity;
  status: IncidentStatus;
  impact: string | null;
  commander: string | null;
  /** When it was declared: its start and its last change. */
  at: string;
  resolvedAt: string | null;
  detectedAt: string;
};

/** @returns the new incident's id. */
export async function insertIncident(db: Executor, row: IncidentRow): Promise<number> {
  const { rows } = await db.execute({
    sql: `INSERT INTO incidents (title, severity, status, impact, commander, started_at, updated_at, resolved_at, detected_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    args: [row.title, row.severity, row.status, row.impact, row.commander, row.at, row.at, row.resolvedAt, row.detectedAt],
  });
  return Number(rows[0]?.id);
}

/** Names services as affected by an incident; a service it names already is left as it is. */
export async function addIncidentServices(db: Executor, incidentId: number, serviceIds: Iterable<number>): Promise<void> {
  for (const serviceId of serviceIds) {
    await db.execute({ sql: 'INSERT OR IGNORE INTO incident_services (incident_id, service_id) VALUES (?, ?)', args: [incidentId, serviceId] });
  }
}

/** Makes `serviceIds` the incident's affected services, and only them. */
export async function replaceIncidentServices(db: Executor, incidentId: number, serviceIds: Iterable<number>): Promise<void> {
  await db.execute({ sql: 'DELETE FROM incident_services WHERE incident_id = ?', args: [incidentId] });
  await addIncidentServices(db, incidentId, serviceIds);
}

/** Services named by open, published incidents other than `id`. */
export async function servicesHeldByOthers(db: Executor, id: number): Promise<Set<string>> {
  const { rows } = await db.execute({
    sql: `SELECT DISTINCT s.slug FROM incident_services x JOIN incidents i ON i.id = x.incident_id JOIN services s ON s.id = x.service_id
          WHERE i.status <> 'resolved' AND i.draft = 0 AND i.id <> ?`,
    args: [id],
  });
  return new Set(rows.map((r) => String(r.slug)));
}

export type UpdateRow = Pick<Update, 'status' | 'message' | 'eta' | 'nextUpdateBy' | 'notify' | 'createdAt'> & { author: string };

/** @returns the new update's id. */
export async function insertUpdateRow(db: Executor, incidentId: number, row: UpdateRow): Promise<number> {
  const { rows } = await db.execute({
    sql: `INSERT INTO incident_updates (incident_id, status, message, eta, next_update_by, notify, author, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    args: [incidentId, row.status, row.message, row.eta, row.nextUpdateBy, row.notify ? 1 : 0, row.author, row.createdAt],
  });
  return Number(rows[0]?.id);
}

/** Records the service status changes an update made (the services' own status is the services feature's). */
export async function insertServiceChanges(
  db: Executor,
  updateId: number,
  changes: readonly { serviceId: number; from: ServiceStatus; to: ServiceStatus }[],
): Promise<void> {
  for (const change of changes) {
    await db.execute({
      sql: 'INSERT INTO update_service_changes (update_id, service_id, from_status, to_status) VALUES (?, ?, ?, ?)',
      args: [updateId, change.serviceId, change.from, change.to],
    });
  }
}

/** An update's effect on its incident: the status, and on resolution the outcome (a null root cause or link keeps the one stored). */
export async function setIncidentStatus(
  db: Executor,
  id: number,
  row: { status: IncidentStatus; at: string; resolvedAt: string | null; rootCause: string | null; postmortemUrl: string | null },
): Promise<void> {
  await db.execute({
    sql: `UPDATE incidents SET status = ?, updated_at = ?, resolved_at = ?, root_cause = coalesce(?, root_cause),
          postmortem_url = coalesce(?, postmortem_url) WHERE id = ?`,
    args: [row.status, row.at, row.resolvedAt, row.rootCause, row.postmortemUrl, id],
  });
}

export type IncidentFields = Pick<IncidentRecord, 'title' | 'impact' | 'severity' | 'commander' | 'rootCause' | 'postmortemUrl'>;

/** Writes an incident's own fields, all of them. */
export async function updateIncidentFields(db: Executor, id: number, fields: IncidentFields, at: string): Promise<void> {
  await db.execute({
    sql: `UPDATE incidents SET title = ?, impact = ?, severity = ?, commander = ?, root_cause = ?, postmortem_url = ?, updated_at = ? WHERE id = ?`,
    args: [fields.title, fields.impact, fields.severity, fields.commander, fields.rootCause, fields.postmortemUrl, at, id],
  });
}

/** Replaces an update's message, marking it edited, and the incident's time of last change. */
export async function updateUpdateMessage(db: Executor, incidentId: number, updateId: number, message: string, at: string): Promise<void> {
  await db.execute({
    sql: 'UPDATE incident_updates SET message = ?, edited_at = ? WHERE id = ? AND incident_id = ?',
    args: [message, at, updateId, incidentId],
  });
  await db.execute({ sql: 'UPDATE incidents SET updated_at = ? WHERE id = ?', args: [at, incidentId] });
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
