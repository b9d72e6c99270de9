/**
 * The outbox rows of subscribers' notices, webhooks and Slack: queued in the write that
 * causes them, in one statement per audience (100,000 rows in well under a second). SQL only.
 */
import type { Executor } from '../../platform/db/client.ts';

/**
 * Who follows a change: confirmed subscribers of one of its services (or of all services) who
 * chose to hear of its kind of event. `x` is the change's service table, joined by `column`
 * (fixed names, never input).
 */
const followers = (events: 'incidents' | 'maintenance', table: string, column: string) =>
  `s.state = 'confirmed' AND s.events IN ('all', '${events}') AND (s.all_services = 1 OR EXISTS (
     SELECT 1 FROM subscriber_services ss JOIN ${table} x ON x.service_id = ss.service_id
     WHERE ss.subscriber_id = s.id AND x.${column} = ?))`;

/** A chat or webhook subscriber's outbox kind (one lane each) and transport, as subscribers/store.ts names them. */
const CHANNEL_ROW = `'subscriber-' || s.channel, CASE s.channel WHEN 'slack' THEN 'slack' ELSE 'webhook' END`;

/**
 * Queues an incident update for every follower (`followers`), one row each, in one statement
 * per kind of channel: a mail to each email subscriber — but those who want only P0/P1 when
 * the incident is P2/P3 — and a post to each chat and webhook target.
 * @returns how many notices were queued.
 */
export async function queueIncidentNotices(db: Executor, incidentId: number, updateId: number, now: Date): Promise<number> {
  const at = now.toISOString();
  const mails = await db.execute({
    sql: `INSERT OR IGNORE INTO outbox (kind, channel, subscriber_id, incident_id, update_id, next_attempt_at, created_at)
          SELECT 'incident', 'mail', s.id, ?, ?, ?, ? FROM subscribers s
          WHERE s.channel = 'email' AND ${followers('incidents', 'incident_services', 'incident_id')}
            AND (s.major_only = 0 OR EXISTS (SELECT 1 FROM incidents i WHERE i.id = ? AND i.severity IN ('P0','P1')))`,
    args: [incidentId, updateId, at, at, incidentId, incidentId],
  });
  const posts = await db.execute({
    sql: `INSERT OR IGNORE INTO outbox (kind, channel, subscriber_id, incident_id, update_id, next_attempt_at, created_at)
          SELECT ${CHANNEL_ROW}, s.id, ?, ?, ?, ? FROM subscribers s
          WHERE s.channel <> 'email' AND ${followers('incidents', 'incident_services', 'incident_id')}`,
    args: [incidentId, updateId, at, at, incidentId],
  });
  return mails.rowsAffected + posts.rowsAffected;
}

/**
 * Queues a maintenance update for every follower (`followers`): a mail to each email
 * subscriber and a post to each chat and webhook target, once each (the unique indexes make a
 * repeat a no-op). Whatever the notifier announces of a window — reminders included — reaches
 * every channel through this.
 * @returns how many notices were queued.
 */
export async function queueMaintenanceNotices(db: Executor, maintenanceId: number, updateId: number, now: Date): Promise<number> {
  const at = now.toISOString();
  let queued = 0;
  for (const [channel, kind] of [
    ["s.channel = 'email'", "'maintenance', 'mail'"],
    ["s.channel <> 'email'", CHANNEL_ROW],
  ] as const) {
    const { rowsAffected } = await db.execute({
      sql: `INSERT OR IGNORE INTO outbox (kind, channel, subscriber_id, maintenance_id, maintenance_update_id, next_attempt_at, created_at)
            SELECT ${kind}, s.id, ?, ?, ?, ? FROM subscribers s
            WHERE ${channel} AND ${followers('maintenance', 'maintenance_services', 'maintenance_id')}`,
      args: [maintenanceId, updateId, at, at, maintenanceId],
    });
    queued += rowsAffected;
  }
  return queued;
}

export type HookChoice = { webhooks: boolean; slack: boolean };

/** Queues an incident update for every active webhook and for Slack, as `to` says. */
export const queueHooks = (db: Executor, incidentId: number, updateId: number, now: Date, to: HookChoice): Promise<void> =>
  queueHookRows(db, ['incident_id', 'update_id'], [incidentId, updateId], now, to);

/**
 * Queues a maintenance update for every active webhook and for Slack, as `to` says: the same
 * kinds (and so the same lanes) as an incident update's, naming the window's update instead.
 */
export const queueMaintenanceHooks = (db: Executor, maintenanceId: number, updateId: number, now: Date, to: HookChoice): Promise<void> =>
  queueHookRows(db, ['maintenance_id', 'maintenance_update_id'], [maintenanceId, updateId], now, to);

/** One outbox row per active webhook and one for Slack, naming the update by the two columns given (fixed names, never input). */
async function queueHookRows(db: Executor, columns: readonly [string, string], ids: readonly [number, number], now: Date, to: HookChoice): Promise<void> {
  const at = now.toISOString();
  const [subject, update] = columns;
  if (to.webhooks)
    await db.execute({
      sql: `INSERT INTO outbox (kind, channel, webhook_id, ${subject}, ${update}, next_attempt_at, created_at)
          SELECT 'webhook', 'webhook', id, ?, ?, ?, ? FROM webhooks WHERE removed_at IS NULL`,
      args: [...ids, at, at],
    });
  if (to.slack)
    await db.execute({
      sql: `INSERT INTO outbox (kind, channel, ${subject}, ${update}, next_attempt_at, created_at) VALUES ('slack', 'slack', ?, ?, ?, ?)`,
      args: [...ids, at, at],
    });
}

/**
 * Queues an incident's published postmortem for every email follower of its incidents
 * (`followers`, P0/P1-only choices kept; kind `postmortem`), every chat and webhook target
 * following them (on its own lane; the postmortem command notifies once), every active webhook (`postmortem-webhook`)
 * and Slack (`postmortem-slack`), once each: the unique indexes make a repeat a no-op.
 * @returns how many mails were queued.
 */
export async function queuePostmortemNotices(db: Executor, incidentId: number, now: Date, to: HookChoice): Promise<number> {
  const at = now.toISOString();
  const { rowsAffected } = await db.execute({
    sql: `INSERT OR IGNORE INTO outbox (kind, channel, subscriber_id, incident_id, next_attempt_at, created_at)
          SELECT 'postmortem', 'mail', s.id, ?, ?, ? FROM subscribers s
          WHERE s.channel = 'email' AND ${followers('incidents', 'incident_services', 'incident_id')}
            AND (s.major_only = 0 OR EXISTS (SELECT 1 FROM incidents i WHERE i.id = ? AND i.severity IN ('P0','P1')))`,
    args: [incidentId, at, at, incidentId, incidentId],
  });
  // Each chat and webhook target that follows incidents: its own lane, no update (its postmortem is the news).
  await db.execute({
    sql: `INSERT INTO outbox (kind, channel, subscriber_id, incident_id, next_attempt_at, created_at)
          SELECT ${CHANNEL_ROW}, s.id, ?, ?, ? FROM subscribers s
          WHERE s.channel <> 'email' AND ${followers('incidents', 'incident_services', 'incident_id')}`,
    args: [incidentId, at, at, incidentId],
  });
  if (to.webhooks)
    await db.execute({
      sql: `INSERT OR IGNORE INTO outbox (kind, channel, webhook_id, incident_id, next_attempt_at, created_at)
            SELECT 'postmortem-webhook', 'webhook', id, ?, ?, ? FROM webhooks WHERE removed_at IS NULL`,
      args: [incidentId, at, at],
    });
  if (to.slack)
    await db.execute({
      sql: `INSERT OR IGNORE INTO outbox (kind, channel, incident_id, next_attempt_at, created_at) VALUES ('postmortem-slack', 'slack', ?, ?, ?)`,
      args: [incidentId, at, at],
    });
  return rowsAffected;
}

/** Queues a service's status change (made outside an incident) for every active webhook. */
export async function queueServiceHooks(db: Executor, serviceEventId: number, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.execute({
    sql: `INSERT INTO outbox (kind, channel, webhook_id, service_event_id, next_attempt_at, created_at)
          SELECT 'webhook', 'webhook', id, ?, ?, ? FROM webhooks WHERE removed_at IS NULL`,
    args: [serviceEventId, at, at],
  });
}

/** The notify flag of an incident update: whether subscribers hear of it. */
export async function incidentUpdateNotifies(db: Executor, updateId: number): Promise<boolean> {
  const { rows } = await db.execute({ sql: 'SELECT notify FROM incident_updates WHERE id = ?', args: [updateId] });
  return Boolean(rows[0]?.notify);
}

/** The notify flag of a maintenance update. */
export async function maintenanceUpdateNotifies(db: Executor, updateId: number): Promise<boolean> {
  const { rows } = await db.execute({ sql: 'SELECT notify FROM maintenance_updates WHERE id = ?', args: [updateId] });
  return Boolean(rows[0]?.notify);
}
