/**
 * The plan's own notices (an overdue postmortem, escalation levels): recorded once per
 * (incident, kind, level); their deliveries are outbox rows, queued in the same transaction by
 * the freshness watchdog that claims them (api/features/freshness/commands.ts). SQL only.
 */
import type { Executor } from '../../platform/db/client.ts';

export type PlanNoticeKind = 'postmortem' | 'escalation';
export type PlanTarget = { channel: 'email' | 'webhook' | 'pagerduty'; target: string };

/** The outbox kind of a plan notice: `plan-postmortem`, `plan-escalation`. */
export const planNoticeKind = (kind: PlanNoticeKind) => `plan-${kind}` as const;
export const PLAN_NOTICE_KINDS = [planNoticeKind('postmortem'), planNoticeKind('escalation')] as const;

/** Records a notice; null when it was recorded already (the unique key makes a second claim a no-op). */
export async function insertPlanNotice(db: Executor, incidentId: number, kind: PlanNoticeKind, level: number, now: Date): Promise<number | null> {
  const { rows } = await db.execute({
    sql: 'INSERT INTO plan_notices (incident_id, kind, level, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id',
    args: [incidentId, kind, level, now.toISOString()],
  });
  return rows[0] ? Number(rows[0].id) : null;
}

export type StoredPlanNotice = { id: number; incidentId: number; kind: PlanNoticeKind; level: number; createdAt: string };

/** The notices of these ids, for delivering them. */
export async function findPlanNotices(db: Executor, ids: readonly number[]): Promise<Map<number, StoredPlanNotice>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.execute({
    sql: `SELECT id, incident_id, kind, level, created_at FROM plan_notices WHERE id IN (${ids.map(() => '?').join(',')})`,
    args: [...ids],
  });
  return new Map(
    rows.map((r) => [
      Number(r.id),
      { id: Number(r.id), incidentId: Number(r.incident_id), kind: String(r.kind) as PlanNoticeKind, level: Number(r.level), createdAt: String(r.created_at) },
    ]),
  );
}

/** Waiting (queued or retrying) is pending; cancelled before it went is skipped. */
const deliveryStatus = (state: string) => (state === 'queued' || state === 'retrying' ? 'pending' : state === 'cancelled' ? 'skipped' : state);

/** Every plan notice of an incident with its deliveries, oldest first: for the desk and tests. */
export async function listPlanNotices(
  db: Executor,
  incidentId: number,
): Promise<{ kind: PlanNoticeKind; level: number; createdAt: string; deliveries: { channel: string; target: string; status: string }[] }[]> {
  const { rows } = await db.execute({
    sql: `SELECT n.id, n.kind, n.level, n.created_at, d.channel, d.target, d.state FROM plan_notices n
          LEFT JOIN outbox d ON d.kind = 'plan-' || n.kind AND d.notice_id = n.id WHERE n.incident_id = ? ORDER BY n.id, d.id`,
    args: [incidentId],
  });
  const byId = new Map<number, { kind: PlanNoticeKind; level: number; createdAt: string; deliveries: { channel: string; target: string; status: string }[] }>();
  for (const r of rows) {
    const id = Number(r.id);
    let notice = byId.get(id);
    if (!notice) byId.set(id, (notice = { kind: String(r.kind) as PlanNoticeKind, level: Number(r.level), createdAt: String(r.created_at), deliveries: [] }));
    if (r.channel !== null)
      notice.deliveries.push({
        channel: r.channel === 'mail' ? 'email' : String(r.channel),
        target: String(r.target),
        status: deliveryStatus(String(r.state)),
      });
  }
  return [...byId.values()];
}
