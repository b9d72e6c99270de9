/**
 * Sending maintenance reminders: each is a timeline entry ("Reminder: this maintenance starts
 * in 1 h …") announced through the notifier like every other entry, so every channel that
 * hears of maintenance hears of it. A reminder is claimed in the write that posts it, under the
 * database's write lock: however many Herald processes run the job, it goes out once.
 */
import { actorLabel } from '../../shared/actor.ts';
import { makeRef } from '../../shared/refs.ts';
import { as, type CommandDeps } from '../../platform/commands.ts';
import { recordAudit } from '../audit/index.ts';
import { SCHEDULER } from './commands.ts';
import { loadMaintenance } from './queries.ts';
import { dueReminders, settleReminder, windowsWithDueReminders } from './reminder-store.ts';
import { reminderToSend } from './reminders.ts';
import { reminderMessage } from './rules.ts';
import { insertUpdateRow, touchMaintenance, windowNotifies } from './store.ts';

/**
 * Posts every reminder due at the clock's now, each window in its own write, as the scheduler.
 * @returns the references of the windows reminded.
 */
export async function sendDueReminders(deps: CommandDeps): Promise<string[]> {
  const ctx = as(deps, SCHEDULER);
  const now = ctx.clock.now();
  const reminded: string[] = [];
  for (const id of await windowsWithDueReminders(ctx.db, now)) {
    const sent = await ctx.db.write(async (tx) => {
      // Read again inside the write: another process may have sent it since the query above.
      const due = await dueReminders(tx, id, now);
      if (due.length === 0) return false;
      const window = await loadMaintenance(tx, id);
      const { send, skip } = reminderToSend(window, due, now);
      for (const r of skip) await settleReminder(tx, r.id, 'skipped');
      if (!send) return false;
      const at = now.toISOString();
      const updateId = await insertUpdateRow(tx, id, {
        status: window.status,
        event: 'reminder',
        message: reminderMessage(window.scheduledFor, send.minutesBefore, ctx.messages),
        notify: await windowNotifies(tx, id),
        author: actorLabel(ctx.actor),
        at,
      });
      if (!(await settleReminder(tx, send.id, 'sent', updateId))) throw new Error(`[Maintenance] Reminder ${send.id} was claimed twice in one write.`);
      await touchMaintenance(tx, id, at);
      await recordAudit(
        tx,
        {
          actor: ctx.actor,
          action: 'maintenance.remind',
          entity: 'maintenance',
          ref: makeRef('maintenance', id),
          after: { minutesBefore: send.minutesBefore },
        },
        now,
      );
      await ctx.notifier.maintenanceChanged(tx, { maintenanceId: id, updateId }, now);
      return true;
    });
    if (sent) reminded.push(makeRef('maintenance', id));
  }
  return reminded;
}
