/**
 * The watchdog's writes: a notice it owes, recorded once, with a delivery queued in the outbox
 * for each of its targets — in one transaction, so a crash loses neither and a second process
 * (or a restart) that claims the same notice queues nothing.
 */
import type { Db } from '../../platform/db/client.ts';
import { enqueue, type Channel } from '../../platform/delivery/outbox.ts';
import { insertPlanNotice, planNoticeKind, type PlanNoticeKind, type PlanTarget } from '../plan/index.ts';
import { noticeKind, type Notice, type Target } from './schemas.ts';
import { insertNotice } from './store.ts';

/** The outbox's channel of a target: the plan and freshness say "email" where the outbox says "mail". */
const channelOf = (channel: Target['channel'] | PlanTarget['channel']): Channel => (channel === 'email' ? 'mail' : channel);

/** Records a freshness notice and queues its deliveries; null when it was recorded already. */
export function claimNotice(db: Db, incidentId: number, dueAt: Date, notice: Notice, targets: readonly Target[], now: Date): Promise<number | null> {
  return db.write(async (tx) => {
    const id = await insertNotice(tx, incidentId, dueAt, notice, now);
    if (id !== null)
      for (const t of targets) await enqueue(tx, { kind: noticeKind(notice.kind), channel: channelOf(t.channel), noticeId: id, target: t.target }, now);
    return id;
  });
}

/** Records one of the plan's notices (an overdue postmortem, an escalation level) and queues its deliveries; null when it was recorded already. */
export function claimPlanNotice(
  db: Db,
  incidentId: number,
  kind: PlanNoticeKind,
  level: number,
  targets: readonly PlanTarget[],
  now: Date,
): Promise<number | null> {
  return db.write(async (tx) => {
    const id = await insertPlanNotice(tx, incidentId, kind, level, now);
    if (id !== null)
      for (const t of targets) await enqueue(tx, { kind: planNoticeKind(kind), channel: channelOf(t.channel), noticeId: id, target: t.target }, now);
    return id;
  });
}
