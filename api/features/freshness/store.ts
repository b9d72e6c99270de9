/**
 * The watchdog's memory: overdue flags and notices; their deliveries are outbox rows. SQL for
 * freshness lives here only.
 */
import type { Executor } from '../../platform/db/client.ts';
import type { Notice, Sent } from './schemas.ts';

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

/** The desk's word for a channel: freshness says "email" where the outbox says "mail". */
const targetChannel = (channel: string) => (channel === 'mail' ? 'email' : channel);

/**
 * What the desk shows of a delivery's outbox state: waiting (queued or retrying) is pending,
 * a cancelled one — its deadline replaced before it went — was skipped.
 * @example deliveryStatus('retrying') // 'pending'
 */
const deliveryStatus = (state: string) => (state === 'queued' || state === 'retrying' ? 'pending' : state === 'cancelled' ? 'skipped' : state);

/**
 * Records a notice. The unique key (incident, deadline, kind, sequence) makes a second claim —
 * another process, or a restart that re-evaluates — a no-op: returns null.
 */
export async function insertNotice(db: Executor, incidentId: number, dueAt: Date, notice: Notice, now: Date): Promise<number | null> {
  const { rows } = await db.execute({
    sql: `INSERT INTO freshness_notices (incident_id, due_at, kind, seq, created_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT DO NOTHING RETURNING id`,
    args: [incidentId, dueAt.toISOString(), notice.kind, notice.seq, now.toISOString()],
  });
  return rows[0] ? Number(rows[0].id) : null;
}

export type StoredNotice = { id: number; incidentId: number; dueAt: string; kind: Notice['kind']; seq: number };

/** The notices of these ids, for delivering them. */
export async function findNotices(db: Executor, ids: readonly number[]): Promise<Map<number, StoredNotice>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.execute({
    sql: `SELECT id, incident_id, due_at, kind, seq FROM freshness_notices WHERE id IN (${ids.map(() => '?').join(',')})`,
    args: [...ids],
  });
  return new Map(
    rows.map((r) => [
      Number(r.id),
      { id: Number(r.id), incidentId: Number(r.incident_id), dueAt: String(r.due_at), kind: String(r.kind) as Notice['kind'], seq: Number(r.seq) },
    ]),
  );
}

export type NoticeRecord = {
  incidentId: number;
  dueAt: string;
  kind: string;
  seq: number;
  createdAt: string;
  deliveries: { channel: string; target: string; status: string }[];
};

/** Every notice for an incident, oldest first, with its deliveries: for the desk and for tests. */
export async function listNotices(db: Executor, incidentId?: number): Promise<NoticeRecord[]> {
  const { rows } = await db.execute({
    sql: `SELECT n.id, n.incident_id, n.due_at, n.kind, n.seq, n.created_at, d.channel, d.target, d.state
          FROM freshness_notices n LEFT JOIN outbox d ON d.kind = 'freshness-' || n.kind AND d.notice_id = n.id
          ${incidentId === undefined ? '' : 'WHERE n.incident_id = ?'} ORDER BY n.id, d.id`,
    args: incidentId === undefined ? [] : [incidentId],
  });
  const byId = new Map<number, NoticeRecord>();
  for (const r of rows) {
    const id = Number(r.id);
    let notice = byId.get(id);
    if (!notice) {
      notice = {
        incidentId: Number(r.incident_id),
        dueAt: String(r.due_at),
        kind: String(r.kind),
        seq: Number(r.seq),
        createdAt: String(r.created_at),
        deliveries: [],
      };
      byId.set(id, notice);
    }
    if (r.channel !== null)
      notice.deliveries.push({ channel: targetChannel(String(r.channel)), target: String(r.target), status: deliveryStatus(String(r.state)) });
  }
  return [...byId.values()];
}
