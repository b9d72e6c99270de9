/**
 * The plan's own notices (an overdue postmortem; later, escalation levels) and their
 * deliveries, kept as the freshness watchdog keeps its own (api/features/freshness/store.ts): recorded
 * with their deliveries in one transaction before anything is sent, claimed once per
 * (incident, kind, level), each delivery leased so two processes never send it together.
 */
import type { Db, Executor } from '../../platform/db/client.ts';

type PlanNoticeKind = 'postmortem' | 'escalation';
export type PlanTarget = { channel: 'email' | 'webhook' | 'pagerduty'; target: string };

/** Records a notice and its pending deliveries; null when it was already recorded. */
export async function claimPlanNotice(db: Db, incidentId: number, kind: PlanNoticeKind, level: number, targets: readonly PlanTarget[], now: Date): Promise<number | null> {
  return db.write(async (tx) => {
    const { rows } = await tx.execute({
      sql: 'INSERT INTO plan_notices (incident_id, kind, level, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id',
      args: [incidentId, kind, level, now.toISOString()],
    });
    const id = rows[0] ? Number(rows[0].id) : null;
    if (id === null) return null;
    for (const t of targets) {
      await tx.execute({ sql: 'INSERT OR IGNORE INTO plan_deliveries (notice_id, channel, target) VALUES (?, ?, ?)', args: [id, t.channel, t.target] });
    }
    return id;
  });
}

type PendingPlanDelivery = PlanTarget & { id: number; attempts: number; notice: { id: number; incidentId: number; kind: PlanNoticeKind; level: number; createdAt: string } };

export async function pendingPlanDeliveries(db: Executor, now: Date): Promise<PendingPlanDelivery[]> {
  const { rows } = await db.execute({
    sql: `SELECT d.id, d.channel, d.target, d.attempts, n.id AS notice_id, n.incident_id, n.kind, n.level, n.created_at
          FROM plan_deliveries d JOIN plan_notices n ON n.id = d.notice_id
          WHERE d.status = 'pending' AND (d.claimed_until IS NULL OR d.claimed_until < ?) ORDER BY d.id LIMIT 100`,
    args: [now.toISOString()],
  });
  return rows.map((r) => ({
    id: Number(r.id),
    channel: String(r.channel) as PlanTarget['channel'],
    target: String(r.target),
    attempts: Number(r.attempts),
    notice: { id: Number(r.notice_id), incidentId: Number(r.incident_id), kind: String(r.kind) as PlanNoticeKind, level: Number(r.level), createdAt: String(r.created_at) },
  }));
}

/** Takes a delivery for `leaseMs`; false when another process holds it or it is done. */
export async function leasePlanDelivery(db: Executor, id: number, now: Date, leaseMs: number): Promise<boolean> {
  const { rowsAffected } = await db.execute({
    sql: `UPDATE plan_deliveries SET claimed_until = ?, attempts = attempts + 1
          WHERE id = ? AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)`,
    args: [new Date(now.getTime() + leaseMs).toISOString(), id, now.toISOString()],
  });
  return rowsAffected === 1;
}

export async function finishPlanDelivery(db: Executor, id: number, outcome: { sentAt: Date } | { error: string; giveUp: boolean } | { skipped: true }): Promise<void> {
  if ('sentAt' in outcome) {
    await db.execute({ sql: "UPDATE plan_deliveries SET status = 'sent', sent_at = ?, claimed_until = NULL WHERE id = ?", args: [outcome.sentAt.toISOString(), id] });
  } else if ('skipped' in outcome) {
    await db.execute({ sql: "UPDATE plan_deliveries SET status = 'skipped', claimed_until = NULL WHERE id = ?", args: [id] });
  } else {
    await db.execute({
      sql: 'UPDATE plan_deliveries SET last_error = ?, claimed_until = NULL, status = ? WHERE id = ?',
      args: [outcome.error.slice(0, 500), outcome.giveUp ? 'failed' : 'pending', id],
    });
  }
}

/** Every plan notice of an incident with its deliveries, oldest first: for the desk and tests. */
export async function listPlanNotices(db: Executor, incidentId: number): Promise<{ kind: PlanNoticeKind; level: number; createdAt: string; deliveries: { channel: string; target: string; status: string }[] }[]> {
  const { rows } = await db.execute({
    sql: `SELECT n.id, n.kind, n.level, n.created_at, d.channel, d.target, d.status FROM plan_notices n
          LEFT JOIN plan_deliveries d ON d.notice_id = n.id WHERE n.incident_id = ? ORDER BY n.id, d.id`,
    args: [incidentId],
  });
  const byId = new Map<number, { kind: PlanNoticeKind; level: number; createdAt: string; deliveries: { channel: string; target: string; status: string }[] }>();
  for (const r of rows) {
    const id = Number(r.id);
    let notice = byId.get(id);
    if (!notice) byId.set(id, (notice = { kind: String(r.kind) as PlanNoticeKind, level: Number(r.level), createdAt: String(r.created_at), deliveries: [] }));
    if (r.channel !== null) notice.deliveries.push({ channel: String(r.channel), target: String(r.target), status: String(r.status) });
  }
  return [...byId.values()];
}
