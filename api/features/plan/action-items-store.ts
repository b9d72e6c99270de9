/** Postmortem action items in SQL. Internal: never published. */
import type { Row } from '@libsql/client';
import type { Executor } from '../../platform/db/client.ts';
import type { ActionItemRecord } from './schemas.ts';

export type { ActionItemRecord };

const toRecord = (r: Row): ActionItemRecord => ({
  id: Number(r.id),
  incidentId: Number(r.incident_id),
  title: String(r.title),
  owner: String(r.owner),
  dueAt: String(r.due_at),
  createdAt: String(r.created_at),
  completedAt: r.completed_at === null ? null : String(r.completed_at),
});

/** An incident's action items, oldest first. */
export async function listActionItems(db: Executor, incidentId: number): Promise<ActionItemRecord[]> {
  const { rows } = await db.execute({ sql: 'SELECT * FROM incident_action_items WHERE incident_id = ? ORDER BY id', args: [incidentId] });
  return rows.map(toRecord);
}

/** One of an incident's action items; null when it has no such item. */
export async function findActionItem(db: Executor, incidentId: number, id: number): Promise<ActionItemRecord | null> {
  const { rows } = await db.execute({ sql: 'SELECT * FROM incident_action_items WHERE incident_id = ? AND id = ?', args: [incidentId, id] });
  return rows[0] ? toRecord(rows[0]) : null;
}

/** @returns the new item's id. */
export async function insertActionItem(db: Executor, item: { incidentId: number; title: string; owner: string; dueAt: string }, now: Date): Promise<number> {
  const { rows } = await db.execute({
    sql: 'INSERT INTO incident_action_items (incident_id, title, owner, due_at, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
    args: [item.incidentId, item.title, item.owner, item.dueAt, now.toISOString()],
  });
  return Number(rows[0]?.id);
}

/** Sets when an item was done; null: not done. */
export async function setActionItemCompletedAt(db: Executor, id: number, completedAt: string | null): Promise<void> {
  await db.execute({ sql: 'UPDATE incident_action_items SET completed_at = ? WHERE id = ?', args: [completedAt, id] });
}
