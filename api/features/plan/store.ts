/**
 * The plan's measures in SQL: an incident's acknowledgement, and the rows the
 * plan report (report.ts) and the plan's watch are computed from.
 */
import type { Severity } from '../../shared/vocabulary.ts';
import type { Executor } from '../../platform/db/client.ts';
import type { ReportIncident } from './schemas.ts';

/** Records when an incident was first acknowledged, unless it already was. @returns whether this call recorded it. */
export async function markAcknowledged(db: Executor, id: number, at: Date): Promise<boolean> {
  const { rowsAffected } = await db.execute({
    sql: 'UPDATE incidents SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL',
    args: [at.toISOString(), id],
  });
  return rowsAffected > 0;
}

/** Incidents detected in [fromIso, toIso), with their public update deadlines and action items. */
export async function loadReportIncidents(db: Executor, fromIso: string, toIso: string): Promise<ReportIncident[]> {
  const { rows } = await db.execute({
    sql: `SELECT id, severity, coalesce(detected_at, started_at) AS detected_at, acknowledged_at, resolved_at, postmortem_completed_at
          FROM incidents WHERE draft = 0 AND coalesce(detected_at, started_at) >= ? AND coalesce(detected_at, started_at) < ? ORDER BY id`,
    args: [fromIso, toIso],
  });
  if (rows.length === 0) return [];
  const ids = rows.map((r) => Number(r.id));
  const marks = ids.map(() => '?').join(',');
  const [updates, items] = await Promise.all([
    db.execute({
      sql: `SELECT incident_id, status, created_at, next_update_by FROM incident_updates WHERE incident_id IN (${marks}) ORDER BY created_at, id`,
      args: ids,
    }),
    db.execute({ sql: `SELECT incident_id, created_at, completed_at FROM incident_action_items WHERE incident_id IN (${marks}) ORDER BY id`, args: ids }),
  ]);
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return rows.map((r) => {
    const id = Number(r.id);
    return {
      severity: String(r.severity) as Severity,
      detectedAt: String(r.detected_at),
      acknowledgedAt: text(r.acknowledged_at),
      resolvedAt: text(r.resolved_at),
      postmortemCompletedAt: text(r.postmortem_completed_at),
      updates: updates.rows
        .filter((u) => Number(u.incident_id) === id)
        .map((u) => ({ status: String(u.status), createdAt: String(u.created_at), nextUpdateBy: text(u.next_update_by) })),
      actionItems: items.rows.filter((a) => Number(a.incident_id) === id).map((a) => ({ createdAt: String(a.created_at), completedAt: text(a.completed_at) })),
    };
  });
}

/** P0/P1 incidents resolved before `resolvedBefore` whose postmortem is not completed, oldest first. */
export async function loadPostmortemsOutstanding(
  db: Executor,
  resolvedBefore: Date,
): Promise<{ id: number; title: string; severity: Severity; resolvedAt: string; commander: string | null }[]> {
  const { rows } = await db.execute({
    sql: `SELECT id, title, severity, resolved_at, commander FROM incidents
          WHERE draft = 0 AND status = 'resolved' AND severity IN ('P0','P1') AND postmortem_completed_at IS NULL AND resolved_at < ?
          ORDER BY resolved_at, id LIMIT 500`,
    args: [resolvedBefore.toISOString()],
  });
  return rows.map((r) => ({
    id: Number(r.id),
    title: String(r.title),
    severity: String(r.severity) as Severity,
    resolvedAt: String(r.resolved_at),
    commander: r.commander === null ? null : String(r.commander),
  }));
}

/** Open incidents as the escalation rule needs them. */
export async function loadOpenForEscalation(
  db: Executor,
): Promise<{ id: number; title: string; severity: Severity; detectedAt: string; commander: string | null }[]> {
  const { rows } = await db.execute(
    `SELECT id, title, severity, coalesce(detected_at, started_at) AS detected_at, commander FROM incidents WHERE draft = 0 AND status <> 'resolved' ORDER BY id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    title: String(r.title),
    severity: String(r.severity) as Severity,
    detectedAt: String(r.detected_at),
    commander: r.commander === null ? null : String(r.commander),
  }));
}
