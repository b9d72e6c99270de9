/**
 * The reads of incremental publishing: what changed since a sequence number, and the bounded
 * slices of history each page shows (newest incidents, one month, the month index). Every
 * query is limited by what a page shows, never by how long the history is.
 */
import type { Row } from '@libsql/client';
import type { IncidentStatus, Severity } from '../shared/vocabulary.ts';
import type { Executor } from '../platform/db/client.ts';

export type LoggedChange = { seq: number; entity: 'incident' | 'maintenance' | 'service'; id: number; serviceId: number | null };

/** The publish sequence: bumped (by triggers) in every write transaction readers could see. */
export async function currentPublishSeq(db: Executor): Promise<number> {
  const { rows } = await db.execute('SELECT coalesce(max(seq), 0) AS seq FROM publish_log');
  return Number(rows[0]?.seq ?? 0);
}

/**
 * What was written after `after`, up to `upTo`, or null when the log no longer reaches back
 * that far (pruned): the caller must then republish everything.
 */
export async function changesSince(db: Executor, after: number, upTo: number): Promise<LoggedChange[] | null> {
  if (upTo <= after) return [];
  const oldest = Number((await db.execute('SELECT coalesce(min(seq), 0) AS seq FROM publish_log')).rows[0]?.seq ?? 0);
  if (oldest > after + 1) return null;
  const { rows } = await db.execute({
    sql: 'SELECT seq, entity, entity_id, service_id FROM publish_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT 20001',
    args: [after, upTo],
  });
  if (rows.length > 20_000) return null;
  return rows.map((r) => ({
    seq: Number(r.seq),
    entity: String(r.entity) as LoggedChange['entity'],
    id: Number(r.entity_id),
    serviceId: r.service_id === null ? null : Number(r.service_id),
  }));
}

/** Forgets log rows older than the newest `keep`; a process further behind republishes everything. */
export async function prunePublishLog(db: Executor, keep: number): Promise<void> {
  await db.execute({ sql: 'DELETE FROM publish_log WHERE seq <= (SELECT max(seq) FROM publish_log) - ?', args: [keep] });
}

export type IncidentSummary = {
  id: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  startedAt: string;
  resolvedAt: string | null;
};

const SUMMARY = 'i.id, i.title, i.severity, i.status, i.started_at, i.resolved_at';
const toSummary = (r: Row): IncidentSummary => ({
  id: Number(r.id),
  title: String(r.title),
  severity: String(r.severity) as Severity,
  status: String(r.status) as IncidentStatus,
  startedAt: String(r.started_at),
  resolvedAt: r.resolved_at === null ? null : String(r.resolved_at),
});

/** Ids of the incidents the live pages show: every open one, those resolved since `resolvedSince`, the newest `newest`. */
export async function liveIncidentIds(db: Executor, resolvedSince: Date, newest: number): Promise<{ open: number[]; recent: number[]; newest: number[] }> {
  const [open, recent, latest] = await Promise.all([
    db.execute(`SELECT id FROM incidents WHERE draft = 0 AND status IN ('investigating','mitigating','monitoring') ORDER BY started_at DESC, id DESC`),
    db.execute({
      sql: `SELECT id FROM incidents WHERE draft = 0 AND resolved_at >= ? AND status = 'resolved' ORDER BY resolved_at DESC LIMIT ?`,
      args: [resolvedSince.toISOString(), newest],
    }),
    db.execute({ sql: 'SELECT id FROM incidents WHERE draft = 0 ORDER BY started_at DESC, id DESC LIMIT ?', args: [newest] }),
  ]);
  const ids = (rows: Row[]) => rows.map((r) => Number(r.id));
  return { open: ids(open.rows), recent: ids(recent.rows), newest: ids(latest.rows) };
}

/** The newest incidents affecting one service (service_id), or the whole site (0), as list entries. */
export async function newestIncidentSummaries(db: Executor, serviceId: number, limit: number, state: 'all' | 'resolved' = 'all'): Promise<IncidentSummary[]> {
  const resolved = state === 'resolved' ? `AND i.status = 'resolved'` : '';
  const { rows } = serviceId
    ? await db.execute({
        sql: `SELECT ${SUMMARY} FROM incident_services x JOIN incidents i ON i.id = x.incident_id
              WHERE x.service_id = ? AND i.draft = 0 ${resolved} ORDER BY i.started_at DESC, i.id DESC LIMIT ?`,
        args: [serviceId, limit],
      })
    : await db.execute({
        sql: `SELECT ${SUMMARY} FROM incidents i WHERE i.draft = 0 ${resolved} ORDER BY i.started_at DESC, i.id DESC LIMIT ?`,
        args: [limit],
      });
  return rows.map(toSummary);
}

export type HistoryMonth = { month: string; incidents: number };

/** The months with incidents, newest first, for the site (0) or one service. */
export async function historyMonths(db: Executor, serviceId: number): Promise<HistoryMonth[]> {
  const { rows } = await db.execute({
    sql: 'SELECT month, incidents FROM history_months WHERE service_id = ? AND incidents > 0 ORDER BY month DESC',
    args: [serviceId],
  });
  return rows.map((r) => ({ month: String(r.month), incidents: Number(r.incidents) }));
}

/** Every (scope, month) with incidents: what a full publish renders. */
export async function allHistoryMonths(db: Executor): Promise<{ serviceId: number; month: string; incidents: number }[]> {
  const { rows } = await db.execute('SELECT service_id, month, incidents FROM history_months WHERE incidents > 0 ORDER BY service_id, month');
  return rows.map((r) => ({ serviceId: Number(r.service_id), month: String(r.month), incidents: Number(r.incidents) }));
}

/** How many incidents started in `month` ('YYYY-MM'), for the site (0) or one service. */
export async function monthCount(db: Executor, serviceId: number, month: string): Promise<number> {
  const { rows } = await db.execute({ sql: 'SELECT incidents FROM history_months WHERE service_id = ? AND month = ?', args: [serviceId, month] });
  return Number(rows[0]?.incidents ?? 0);
}

/** One page of a month's incidents, newest first. */
export async function incidentsInMonth(db: Executor, serviceId: number, month: string, offset: number, limit: number): Promise<IncidentSummary[]> {
  const [from, to] = monthRange(month);
  const { rows } = serviceId
    ? await db.execute({
        sql: `SELECT ${SUMMARY} FROM incident_services x JOIN incidents i ON i.id = x.incident_id
              WHERE x.service_id = ? AND i.draft = 0 AND i.started_at >= ? AND i.started_at < ? ORDER BY i.started_at DESC, i.id DESC LIMIT ? OFFSET ?`,
        args: [serviceId, from, to, limit, offset],
      })
    : await db.execute({
        sql: `SELECT ${SUMMARY} FROM incidents i WHERE i.draft = 0 AND i.started_at >= ? AND i.started_at < ? ORDER BY i.started_at DESC, i.id DESC LIMIT ? OFFSET ?`,
        args: [from, to, limit, offset],
      });
  return rows.map(toSummary);
}

/** How many incidents of `month` come before `id` on the month's pages (newest first). */
export async function rankInMonth(db: Executor, serviceId: number, month: string, id: number): Promise<number | null> {
  const [from, to] = monthRange(month);
  const { rows } = await db.execute({
    sql: `SELECT (SELECT count(*) FROM incidents i ${serviceId ? 'JOIN incident_services x ON x.incident_id = i.id AND x.service_id = ?' : ''}
                  WHERE i.draft = 0 AND i.started_at >= ? AND i.started_at < ? AND (i.started_at > me.started_at OR (i.started_at = me.started_at AND i.id > me.id))) AS n
          FROM incidents me WHERE me.id = ? AND me.draft = 0`,
    args: serviceId ? [serviceId, from, to, id] : [from, to, id],
  });
  return rows[0] ? Number(rows[0].n) : null;
}

/** Where each incident sits: its start month and the services it names now. */
export async function incidentPlacement(db: Executor, ids: readonly number[]): Promise<{ id: number; month: string; open: boolean; serviceIds: number[] }[]> {
  if (ids.length === 0) return [];
  const marks = ids.map(() => '?').join(',');
  const [incidents, links] = await Promise.all([
    db.execute({ sql: `SELECT id, substr(started_at, 1, 7) AS month, status FROM incidents WHERE draft = 0 AND id IN (${marks})`, args: [...ids] }),
    db.execute({ sql: `SELECT incident_id, service_id FROM incident_services WHERE incident_id IN (${marks})`, args: [...ids] }),
  ]);
  return incidents.rows.map((r) => ({
    id: Number(r.id),
    month: String(r.month),
    open: String(r.status) !== 'resolved',
    serviceIds: links.rows.filter((l) => Number(l.incident_id) === Number(r.id)).map((l) => Number(l.service_id)),
  }));
}

/** The services of each of the windows `ids`. */
export async function maintenanceServiceIds(db: Executor, ids: readonly number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (ids.length === 0) return out;
  const { rows } = await db.execute({
    sql: `SELECT maintenance_id, service_id FROM maintenance_services WHERE maintenance_id IN (${ids.map(() => '?').join(',')})`,
    args: [...ids],
  });
  for (const r of rows) out.set(Number(r.maintenance_id), [...(out.get(Number(r.maintenance_id)) ?? []), Number(r.service_id)]);
  return out;
}

/** The newest `limit` updates (ids with their incident), site-wide or for one service's incidents. */
export async function newestUpdateRefs(db: Executor, serviceId: number, limit: number): Promise<{ updateId: number; incidentId: number }[]> {
  const { rows } = serviceId
    ? await db.execute({
        sql: `SELECT u.id, u.incident_id FROM incident_services x JOIN incident_updates u ON u.incident_id = x.incident_id
              WHERE x.service_id = ? ORDER BY u.created_at DESC, u.id DESC LIMIT ?`,
        args: [serviceId, limit],
      })
    : await db.execute({ sql: 'SELECT id, incident_id FROM incident_updates ORDER BY created_at DESC, id DESC LIMIT ?', args: [limit] });
  return rows.map((r) => ({ updateId: Number(r.id), incidentId: Number(r.incident_id) }));
}

/** The incidents of the newest `limit` published postmortems, site-wide (0) or for one service's incidents: the feeds list them. */
export async function newestPostmortemIncidents(db: Executor, serviceId: number, limit: number): Promise<number[]> {
  const { rows } = serviceId
    ? await db.execute({
        sql: `SELECT i.id FROM incident_services x JOIN incidents i ON i.id = x.incident_id
              WHERE x.service_id = ? AND i.postmortem_published_at IS NOT NULL AND i.draft = 0 ORDER BY i.postmortem_published_at DESC LIMIT ?`,
        args: [serviceId, limit],
      })
    : await db.execute({
        sql: 'SELECT id FROM incidents WHERE postmortem_published_at IS NOT NULL AND draft = 0 ORDER BY postmortem_published_at DESC LIMIT ?',
        args: [limit],
      });
  return rows.map((r) => Number(r.id));
}

/** One line of /history.csv: a published incident and the names of its services, in page order. */
export type HistoryCsvRow = { id: number; title: string; severity: Severity; startedAt: string; resolvedAt: string | null; services: string[] };

/** Every published incident as /history.csv lists it, or only those of `ids`; in no particular order. */
export async function historyCsvRows(db: Executor, ids?: readonly number[]): Promise<HistoryCsvRow[]> {
  if (ids?.length === 0) return [];
  const only = ids ? ` AND i.id IN (${ids.map(() => '?').join(',')})` : '';
  const [incidents, services] = await Promise.all([
    db.execute({ sql: `SELECT i.id, i.title, i.severity, i.started_at, i.resolved_at FROM incidents i WHERE i.draft = 0${only}`, args: [...(ids ?? [])] }),
    db.execute({
      sql: `SELECT x.incident_id, s.name FROM incident_services x JOIN services s ON s.id = x.service_id JOIN incidents i ON i.id = x.incident_id
            WHERE i.draft = 0${only} ORDER BY s.position, s.name`,
      args: [...(ids ?? [])],
    }),
  ]);
  const names = new Map<number, string[]>();
  for (const r of services.rows) names.set(Number(r.incident_id), [...(names.get(Number(r.incident_id)) ?? []), String(r.name)]);
  return incidents.rows.map((r) => ({
    id: Number(r.id),
    title: String(r.title),
    severity: String(r.severity) as Severity,
    startedAt: String(r.started_at),
    resolvedAt: r.resolved_at === null ? null : String(r.resolved_at),
    services: names.get(Number(r.id)) ?? [],
  }));
}

/** Incident ids below `before`, newest first: a full publish walks the history in batches, recent permalinks first. */
export async function incidentIdsBefore(db: Executor, before: number, limit: number): Promise<number[]> {
  const { rows } = await db.execute({ sql: 'SELECT id FROM incidents WHERE id < ? AND draft = 0 ORDER BY id DESC LIMIT ?', args: [before, limit] });
  return rows.map((r) => Number(r.id));
}

export async function allMaintenanceIds(db: Executor): Promise<number[]> {
  const { rows } = await db.execute('SELECT id FROM maintenances ORDER BY id');
  return rows.map((r) => Number(r.id));
}

/** When anything customers see last changed: the newest incident, maintenance or service change. */
export async function lastChangeAt(db: Executor): Promise<string | null> {
  const { rows } = await db.execute(`SELECT max(
      (SELECT coalesce(max(updated_at), '') FROM incidents WHERE draft = 0),
      (SELECT coalesce(max(updated_at), '') FROM maintenances),
      (SELECT coalesce(max(updated_at), '') FROM services WHERE archived_at IS NULL)) AS at`);
  const at = String(rows[0]?.at ?? '');
  return at || null;
}

/** [first instant of `month`, first instant of the next], as stored ISO strings compare. */
function monthRange(month: string): [string, string] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return [new Date(Date.UTC(y, m - 1, 1)).toISOString(), new Date(Date.UTC(y, m, 1)).toISOString()];
}
