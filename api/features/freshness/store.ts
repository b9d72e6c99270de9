/**
 * The watchdog's memory: overdue flags, notices and their deliveries. SQL for freshness
 * lives here only.
 */
import type { Db, Executor } from '../../platform/db/client.ts';
import type { Notice, Sent } from './rules.ts';

export type Flag = { incidentId: number; dueAt: string; flaggedAt: string };

export async function listFlags(db: Executor): Promise<Map<number, Flag>> {
  const { rows } = await db.execute('SELECT incident_id, due_at, flagged_at FROM freshness_flags');
  return new Map(rows.map((r) => [Number(r.incident_id), { incidentId: Number(r.incident_id), dueAt: String(r.due_at), flaggedAt: String(r.flagged_at) }]));
}

/** Flags an incident overdue for a deadline (replacing an older deadline's flag). */
export async function setFlag(db: Executor, incidentId: number, dueAt: Date, now: Date): Promise<void> {
  await db.execute({
    sql: `INSERT INTO freshness_flags (incident_id, due_at, flagged_at) VALUES (?, ?, ?)
          ON CONFLICT (incident_id) DO UPDATE SET due_at = excluded.due_at, flagged_at = excluded.flagged_at`,
    args: [incidentId, dueAt.toISOString(), now.toISOString()],
  });
}

export async function clearFlag(db: Executor, incidentId: number): Promise<void> {
  await db.execute({ sql: 'DELETE FROM freshness_flags WHERE incident_id = ?', args: [incidentId] });
}

/** What went out already for each incident's current deadline. */
export async function sentFor(db: Executor, deadlines: readonly { id: number; dueAt: Date }[]): Promise<Map<number, Sent>> {
  const sent = new Map<number, Sent>();
  for (const { id, dueAt } of deadlines) {
    const { rows } = await db.execute({
      sql: `SELECT kind, max(seq) AS seq FROM freshness_notices WHERE incident_id = ? AND due_at = ? GROUP BY kind`,
      args: [id, dueAt.toISOString()],
    });
    const byKind = new Map(rows.map((r) => [String(r.kind), Number(r.seq)]));
    sent.set(id, { reminder: byKind.has('reminder'), escalations: byKind.get('escalation') ?? 0 });
  }
  return sent;
}

export type Target = { channel: 'email' | 'webhook'; target: string };

/**
 * Records a notice and its pending deliveries in one transaction. The unique key
 * (incident, deadline, kind, sequence) makes a second claim — another process, or a restart
 * that re-evaluates — a no-op: returns null.
 */
export async function claimNotice(db: Db, incidentId: number, dueAt: Date, notice: Notice, targets: readonly Target[], now: Date): Promise<number | null> {
  return db.write(async (tx) => {
    const { rows } = await tx.execute({
      sql: `INSERT INTO freshness_notices (incident_id, due_at, kind, seq, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING RETURNING id`,
      args: [incidentId, dueAt.toISOString(), notice.kind, notice.seq, now.toISOString()],
    });
    const id = rows[0] ? Number(rows[0].id) : null;
    if (id === null) return null;
    for (const t of targets) {
      await tx.execute({ sql: 'INSERT OR IGNORE INTO freshness_deliveries (notice_id, channel, target) VALUES (?, ?, ?)', args: [id, t.channel, t.target] });
    }
    return id;
  });
}

export type PendingDelivery = {
  id: number;
  channel: 'email' | 'webhook';
  target: string;
  attempts: number;
  notice: { id: number; incidentId: number; dueAt: string; kind: Notice['kind']; seq: number };
};

export async function pendingDeliveries(db: Executor, now: Date): Promise<PendingDelivery[]> {
  const { rows } = await db.execute({
    sql: `SELECT d.id, d.channel, d.target, d.attempts, n.id AS notice_id, n.incident_id, n.due_at, n.kind, n.seq
          FROM freshness_deliveries d JOIN freshness_notices n ON n.id = d.notice_id
          WHERE d.status = 'pending' AND (d.claimed_until IS NULL OR d.claimed_until < ?) ORDER BY d.id LIMIT 100`,
    args: [now.toISOString()],
  });
  return rows.map((r) => ({
    id: Number(r.id),
    channel: String(r.channel) as PendingDelivery['channel'],
    target: String(r.target),
    attempts: Number(r.attempts),
    notice: { id: Number(r.notice_id), incidentId: Number(r.incident_id), dueAt: String(r.due_at), kind: String(r.kind) as Notice['kind'], seq: Number(r.seq) },
  }));
}

/** Takes a delivery for `leaseMs` so a second process does not send it at the same time. */
export async function leaseDelivery(db: Executor, id: number, now: Date, leaseMs: number): Promise<boolean> {
  const { rowsAffected } = await db.execute({
    sql: `UPDATE freshness_deliveries SET claimed_until = ?, attempts = attempts + 1
          WHERE id = ? AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)`,
    args: [new Date(now.getTime() + leaseMs).toISOString(), id, now.toISOString()],
  });
  return rowsAffected === 1;
}

export async function markSent(db: Executor, id: number, now: Date): Promise<void> {
  await db.execute({ sql: "UPDATE freshness_deliveries SET status = 'sent', sent_at = ?, claimed_until = NULL WHERE id = ?", args: [now.toISOString(), id] });
}

/** A failed attempt: tried again on a later tick, given up after `maxAttempts`. */
export async function markFailed(db: Executor, id: number, error: string, giveUp: boolean): Promise<void> {
  await db.execute({
    sql: `UPDATE freshness_deliveries SET last_error = ?, claimed_until = NULL, status = ? WHERE id = ?`,
    args: [error.slice(0, 500), giveUp ? 'failed' : 'pending', id],
  });
}

export type NoticeRecord = { incidentId: number; dueAt: string; kind: string; seq: number; createdAt: string; deliveries: { channel: string; target: string; status: string }[] };

/** Every notice for an incident, oldest first, with its deliveries: for the desk and for tests. */
export async function listNotices(db: Executor, incidentId?: number): Promise<NoticeRecord[]> {
  const { rows } = await db.execute({
    sql: `SELECT n.id, n.incident_id, n.due_at, n.kind, n.seq, n.created_at, d.channel, d.target, d.status
          FROM freshness_notices n LEFT JOIN freshness_deliveries d ON d.notice_id = n.id
          ${incidentId === undefined ? '' : 'WHERE n.incident_id = ?'} ORDER BY n.id, d.id`,
    args: incidentId === undefined ? [] : [incidentId],
  });
  const byId = new Map<number, NoticeRecord>();
  for (const r of rows) {
    const id = Number(r.id);
    let notice = byId.get(id);
    if (!notice) {
      notice = { incidentId: Number(r.incident_id), dueAt: String(r.due_at), kind: String(r.kind), seq: Number(r.seq), createdAt: String(r.created_at), deliveries: [] };
      byId.set(id, notice);
    }
    if (r.channel !== null) notice.deliveries.push({ channel: String(r.channel), target: String(r.target), status: String(r.status) });
  }
  return [...byId.values()];
}
