/**
 * Maintenance reminders in SQL: planning them, finding those due, and claiming one in the write
 * that posts it. Which to send is decided in reminders.ts.
 */
import type { Executor } from '../../platform/db/client.ts';
import type { PendingReminder, PlannedReminder } from './schemas.ts';

/** Replaces a window's pending reminders with `planned`; those already sent stay as they were. */
export async function replacePendingReminders(db: Executor, maintenanceId: number, planned: readonly PlannedReminder[]): Promise<void> {
  await db.execute({ sql: `DELETE FROM maintenance_reminders WHERE maintenance_id = ? AND state = 'pending'`, args: [maintenanceId] });
  for (const r of planned) {
    await db.execute({
      sql: 'INSERT OR IGNORE INTO maintenance_reminders (maintenance_id, minutes_before, due_at) VALUES (?, ?, ?)',
      args: [maintenanceId, r.minutesBefore, r.dueAt],
    });
  }
}

/** Windows with a pending reminder due at `now`. */
export async function windowsWithDueReminders(db: Executor, now: Date): Promise<number[]> {
  const { rows } = await db.execute({
    sql: `SELECT DISTINCT maintenance_id FROM maintenance_reminders WHERE state = 'pending' AND due_at <= ? ORDER BY maintenance_id`,
    args: [now.toISOString()],
  });
  return rows.map((r) => Number(r.maintenance_id));
}

/** A window's pending reminders due at `now`: read inside the write that claims them, so another process's claim is seen. */
export async function dueReminders(db: Executor, maintenanceId: number, now: Date): Promise<PendingReminder[]> {
  const { rows } = await db.execute({
    sql: `SELECT id, minutes_before, due_at FROM maintenance_reminders WHERE maintenance_id = ? AND state = 'pending' AND due_at <= ?`,
    args: [maintenanceId, now.toISOString()],
  });
  return rows.map((r) => ({ id: Number(r.id), minutesBefore: Number(r.minutes_before), dueAt: String(r.due_at) }));
}

/**
 * Marks a pending reminder sent (by timeline entry `updateId`) or skipped.
 * @returns whether it was still pending: false means another process had claimed it.
 */
export async function settleReminder(db: Executor, id: number, state: 'sent' | 'skipped', updateId: number | null = null): Promise<boolean> {
  const { rowsAffected } = await db.execute({
    sql: `UPDATE maintenance_reminders SET state = ?, update_id = ? WHERE id = ? AND state = 'pending'`,
    args: [state, updateId, id],
  });
  return rowsAffected === 1;
}
