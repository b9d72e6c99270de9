/** Postmortem action items and the postmortem's record, in SQL. Internal: never published. */
import type { Row, Transaction } from '@libsql/client';
import type { Actor } from '../../shared/actor.ts';
import { ConflictError, NotFoundError } from '../../shared/errors.ts';
import { makeRef } from '../../shared/refs.ts';
import { recordAudit } from '../audit/index.ts';
import type { Executor } from '../../platform/db/client.ts';

export type ActionItemRecord = { id: number; incidentId: number; title: string; owner: string; dueAt: string; createdAt: string; completedAt: string | null };

const toRecord = (r: Row): ActionItemRecord => ({
  id: Number(r.id),
  incidentId: Number(r.incident_id),
  title: String(r.title),
  owner: String(r.owner),
  dueAt: String(r.due_at),
  createdAt: String(r.created_at),
  completedAt: r.completed_at === null ? null : String(r.completed_at),
});

export async function listActionItems(db: Executor, incidentId: number): Promise<ActionItemRecord[]> {
  const { rows } = await db.execute({ sql: 'SELECT * FROM incident_action_items WHERE incident_id = ? ORDER BY id', args: [incidentId] });
  return rows.map(toRecord);
}

export async function getActionItem(db: Executor, incidentId: number, id: number): Promise<ActionItemRecord> {
  const { rows } = await db.execute({ sql: 'SELECT * FROM incident_action_items WHERE incident_id = ? AND id = ?', args: [incidentId, id] });
  if (!rows[0]) throw new NotFoundError(`[Action items] ${makeRef('incident', incidentId)} has no action item ${id}. GET …/action-items lists them.`);
  return toRecord(rows[0]);
}

export async function insertActionItem(
  tx: Transaction,
  item: { incidentId: number; title: string; owner: string; dueAt: string },
  actor: Actor,
  now: Date,
): Promise<number> {
  const { rows } = await tx.execute({
    sql: 'INSERT INTO incident_action_items (incident_id, title, owner, due_at, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
    args: [item.incidentId, item.title, item.owner, item.dueAt, now.toISOString()],
  });
  const id = Number(rows[0]?.id);
  await recordAudit(tx, { actor, action: 'action-item.create', entity: 'incident', ref: makeRef('incident', item.incidentId), after: { id, title: item.title, owner: item.owner, dueAt: item.dueAt } }, now);
  return id;
}

/** Marks an item done (keeping the first completion time) or not done; audited when it changes. */
export async function setActionItemDone(tx: Transaction, incidentId: number, id: number, done: boolean, actor: Actor, now: Date): Promise<void> {
  const before = await getActionItem(tx, incidentId, id);
  if ((before.completedAt !== null) === done) return;
  await tx.execute({ sql: 'UPDATE incident_action_items SET completed_at = ? WHERE id = ?', args: [done ? now.toISOString() : null, id] });
  await recordAudit(tx, { actor, action: 'action-item.edit', entity: 'incident', ref: makeRef('incident', incidentId), before: { id, completedAt: before.completedAt }, after: { id, done } }, now);
}

/** Records the postmortem's link and whether it is complete (the first completion time is kept). */
export async function recordPostmortem(tx: Transaction, incidentId: number, input: { url: string; completed: boolean }, actor: Actor, now: Date): Promise<void> {
  const { rows } = await tx.execute({ sql: 'SELECT status, postmortem_url, postmortem_completed_at FROM incidents WHERE id = ?', args: [incidentId] });
  const before = rows[0];
  if (!before) throw new NotFoundError(`[Incidents] No incident ${makeRef('incident', incidentId)}. GET /api/admin/incidents?state=all lists them.`);
  if (before.status !== 'resolved') {
    throw new ConflictError(`[Postmortem] ${makeRef('incident', incidentId)} is not resolved yet; the postmortem follows the resolution (give its link with the resolving update meanwhile).`);
  }
  await tx.execute({
    sql: `UPDATE incidents SET postmortem_url = ?, updated_at = ?,
          postmortem_completed_at = CASE WHEN ? THEN coalesce(postmortem_completed_at, ?) ELSE NULL END WHERE id = ?`,
    args: [input.url, now.toISOString(), input.completed ? 1 : 0, now.toISOString(), incidentId],
  });
  await recordAudit(
    tx,
    { actor, action: 'incident.postmortem', entity: 'incident', ref: makeRef('incident', incidentId), before: { postmortemUrl: before.postmortem_url, postmortemCompletedAt: before.postmortem_completed_at }, after: input },
    now,
  );
}
