/**
 * The outbox: one row per notice per recipient, queued inside the write that causes it,
 * claimed by the sender with a lease, and closed with a record of every attempt.
 */
import type { Executor } from '../db/client.ts';

export type OutboxKind = 'incident' | 'confirm' | 'welcome' | 'webhook' | 'slack' | 'maintenance';

export type OutboxRow = {
  id: number;
  kind: OutboxKind;
  subscriberId: number | null;
  webhookId: number | null;
  incidentId: number | null;
  updateId: number | null;
  /** A service status change outside an incident (webhooks only). */
  serviceEventId: number | null;
  /** A maintenance window's update (kind 'maintenance'). */
  maintenanceId: number | null;
  maintenanceUpdateId: number | null;
  attempts: number;
  createdAt: string;
};

/** Queues a mail to one subscriber (confirmation, "already subscribed"). */
export async function queueSubscriberMail(db: Executor, kind: 'confirm' | 'welcome', subscriberId: number, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.execute({
    sql: 'INSERT INTO outbox (kind, subscriber_id, next_attempt_at, created_at) VALUES (?, ?, ?, ?)',
    args: [kind, subscriberId, at, at],
  });
}

/**
 * Queues an incident update for every confirmed subscriber of an affected service or of all
 * services, one row each, in one statement (100,000 rows in well under a second).
 * @returns how many mails were queued.
 */
export async function queueIncidentMails(db: Executor, incidentId: number, updateId: number, now: Date): Promise<number> {
  const at = now.toISOString();
  const { rowsAffected } = await db.execute({
    sql: `INSERT OR IGNORE INTO outbox (kind, subscriber_id, incident_id, update_id, next_attempt_at, created_at)
          SELECT 'incident', s.id, ?, ?, ?, ? FROM subscribers s
          WHERE s.state = 'confirmed' AND (s.all_services = 1 OR EXISTS (
            SELECT 1 FROM subscriber_services ss JOIN incident_services x ON x.service_id = ss.service_id
            WHERE ss.subscriber_id = s.id AND x.incident_id = ?))`,
    args: [incidentId, updateId, at, at, incidentId],
  });
  return rowsAffected;
}

/**
 * Queues a maintenance update for every confirmed subscriber of an affected service or of all
 * services, once per subscriber (the unique index makes a repeat a no-op).
 * @returns how many mails were queued.
 */
export async function queueMaintenanceMails(db: Executor, maintenanceId: number, updateId: number, now: Date): Promise<number> {
  const at = now.toISOString();
  const { rowsAffected } = await db.execute({
    sql: `INSERT OR IGNORE INTO outbox (kind, subscriber_id, maintenance_id, maintenance_update_id, next_attempt_at, created_at)
          SELECT 'maintenance', s.id, ?, ?, ?, ? FROM subscribers s
          WHERE s.state = 'confirmed' AND (s.all_services = 1 OR EXISTS (
            SELECT 1 FROM subscriber_services ss JOIN maintenance_services x ON x.service_id = ss.service_id
            WHERE ss.subscriber_id = s.id AND x.maintenance_id = ?))`,
    args: [maintenanceId, updateId, at, at, maintenanceId],
  });
  return rowsAffected;
}

/** Queues an incident update for every active webhook and for Slack, as `to` says. */
export const queueHooks = (db: Executor, incidentId: number, updateId: number, now: Date, to: HookChoice): Promise<void> =>
  queueHookRows(db, ['incident_id', 'update_id'], [incidentId, updateId], now, to);

/**
 * Queues a maintenance update for every active webhook and for Slack, as `to` says: the same
 * kinds (and so the same lanes) as an incident update's, naming the window's update instead.
 */
export const queueMaintenanceHooks = (db: Executor, maintenanceId: number, updateId: number, now: Date, to: HookChoice): Promise<void> =>
  queueHookRows(db, ['maintenance_id', 'maintenance_update_id'], [maintenanceId, updateId], now, to);

type HookChoice = { webhooks: boolean; slack: boolean };

/** One outbox row per active webhook and one for Slack, naming the update by the two columns given (fixed names, never input). */
async function queueHookRows(db: Executor, columns: readonly [string, string], ids: readonly [number, number], now: Date, to: HookChoice): Promise<void> {
  const at = now.toISOString();
  const [subject, update] = columns;
  if (to.webhooks) await db.execute({
    sql: `INSERT INTO outbox (kind, webhook_id, ${subject}, ${update}, next_attempt_at, created_at)
          SELECT 'webhook', id, ?, ?, ?, ? FROM webhooks WHERE removed_at IS NULL`,
    args: [...ids, at, at],
  });
  if (to.slack) await db.execute({
    sql: `INSERT INTO outbox (kind, ${subject}, ${update}, next_attempt_at, created_at) VALUES ('slack', ?, ?, ?, ?)`,
    args: [...ids, at, at],
  });
}

/** Queues a service's status change (made outside an incident) for every active webhook. */
export async function queueServiceHooks(db: Executor, serviceEventId: number, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.execute({
    sql: `INSERT INTO outbox (kind, webhook_id, service_event_id, next_attempt_at, created_at)
          SELECT 'webhook', id, ?, ?, ? FROM webhooks WHERE removed_at IS NULL`,
    args: [serviceEventId, at, at],
  });
}

/**
 * Claims up to `limit` due rows of `kinds` for `owner` until `leaseUntil`, in one statement,
 * so two senders (two processes on one libSQL server) never claim the same row. A row whose
 * lease has run out — its sender died mid-batch — is due again: delivery is at least once.
 * The sender renews the lease of the rows it is still delivering (`renewLeases`), so the
 * lease can be short and a dead sender's rows come back soon.
 */
export async function claimDue(db: Executor, owner: string, kinds: readonly OutboxKind[], now: Date, leaseUntil: Date, limit: number): Promise<OutboxRow[]> {
  const at = now.toISOString();
  const { rows } = await db.execute({
    sql: `UPDATE outbox SET lease_owner = ?, lease_until = ?
          WHERE id IN (SELECT id FROM outbox WHERE state IN ('queued','retrying') AND next_attempt_at <= ?
                       AND kind IN (${kinds.map(() => '?').join(',')})
                       AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt_at, id LIMIT ?)
          RETURNING id, kind, subscriber_id, webhook_id, incident_id, update_id, service_event_id, maintenance_id, maintenance_update_id, attempts, created_at`,
    args: [owner, leaseUntil.toISOString(), at, ...kinds, at, limit],
  });
  return rows
    .map((r) => ({
      id: Number(r.id),
      kind: String(r.kind) as OutboxKind,
      subscriberId: r.subscriber_id === null ? null : Number(r.subscriber_id),
      webhookId: r.webhook_id === null ? null : Number(r.webhook_id),
      incidentId: r.incident_id === null ? null : Number(r.incident_id),
      updateId: r.update_id === null ? null : Number(r.update_id),
      serviceEventId: r.service_event_id === null || r.service_event_id === undefined ? null : Number(r.service_event_id),
      maintenanceId: r.maintenance_id === null || r.maintenance_id === undefined ? null : Number(r.maintenance_id),
      maintenanceUpdateId: r.maintenance_update_id === null || r.maintenance_update_id === undefined ? null : Number(r.maintenance_update_id),
      attempts: Number(r.attempts),
      createdAt: String(r.created_at),
    }))
    .sort((a, b) => a.id - b.id);
}

/**
 * Extends `owner`'s lease on rows it is still delivering (the sender's heartbeat). A row
 * another sender has claimed since, or that is closed, is left alone.
 * @returns how many leases were renewed.
 */
export async function renewLeases(db: Executor, owner: string, ids: readonly number[], leaseUntil: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const { rowsAffected } = await db.execute({
    sql: `UPDATE outbox SET lease_until = ? WHERE lease_owner = ? AND state IN ('queued','retrying') AND lease_until IS NOT NULL
          AND id IN (${ids.map(() => '?').join(',')})`,
    args: [leaseUntil.toISOString(), owner, ...ids],
  });
  return rowsAffected;
}

/** The owners holding a lease that has not run out yet. */
export async function leaseOwners(db: Executor, now: Date): Promise<string[]> {
  const { rows } = await db.execute({
    sql: `SELECT DISTINCT lease_owner FROM outbox WHERE state IN ('queued','retrying') AND lease_owner IS NOT NULL AND lease_until > ?`,
    args: [now.toISOString()],
  });
  return rows.map((r) => String(r.lease_owner));
}

/** Ends `owner`'s leases, so its rows are due again now. @returns how many rows it held. */
export async function releaseLeases(db: Executor, owner: string): Promise<number> {
  const { rowsAffected } = await db.execute({
    sql: `UPDATE outbox SET lease_until = NULL WHERE lease_owner = ? AND state IN ('queued','retrying') AND lease_until IS NOT NULL`,
    args: [owner],
  });
  return rowsAffected;
}

/** How one attempt ended. `retryAt` for a retry; `suppress` marks the subscriber's address undeliverable. */
export type AttemptResult =
  | { id: number; outcome: 'sent'; detail: string }
  | { id: number; outcome: 'retry'; detail: string; retryAt: Date }
  | { id: number; outcome: 'failed' | 'cancelled'; detail: string; suppress?: { subscriberId: number } };

/** Records a batch's attempts and moves each row on, only while `owner` still holds its lease. */
export async function recordAttempts(db: Executor, owner: string, results: readonly AttemptResult[], now: Date): Promise<void> {
  if (results.length === 0) return;
  const at = now.toISOString();
  const byOutcome = new Map<string, AttemptResult[]>();
  for (const r of results) byOutcome.set(r.outcome, [...(byOutcome.get(r.outcome) ?? []), r]);
  const sent = byOutcome.get('sent') ?? [];
  if (sent.length > 0) {
    await db.execute({
      sql: `UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?, lease_until = NULL, last_error = NULL
            WHERE lease_owner = ? AND id IN (${sent.map(() => '?').join(',')})`,
      args: [at, owner, ...sent.map((r) => r.id)],
    });
  }
  for (const r of results) {
    if (r.outcome === 'sent') continue;
    await db.execute({
      sql: `UPDATE outbox SET state = ?, attempts = attempts + ?, next_attempt_at = ?, lease_until = NULL, last_error = ?
            WHERE lease_owner = ? AND id = ?`,
      args: [
        r.outcome === 'retry' ? 'retrying' : r.outcome,
        r.outcome === 'cancelled' ? 0 : 1,
        r.outcome === 'retry' ? r.retryAt.toISOString() : at,
        r.detail.slice(0, 1000),
        owner,
        r.id,
      ],
    });
    if (r.outcome === 'failed' && r.suppress) {
      await db.execute({
        sql: `UPDATE subscribers SET state = 'suppressed', suppressed_reason = ?, updated_at = ? WHERE id = ?`,
        args: [r.detail.slice(0, 500), at, r.suppress.subscriberId],
      });
      await db.execute({
        sql: `UPDATE outbox SET state = 'cancelled', last_error = 'address suppressed', lease_until = NULL
              WHERE subscriber_id = ? AND state IN ('queued','retrying') AND id <> ?`,
        args: [r.suppress.subscriberId, r.id],
      });
    }
  }
  for (let i = 0; i < results.length; i += 300) {
    const chunk = results.slice(i, i + 300);
    await db.execute({
      sql: `INSERT INTO delivery_attempts (outbox_id, at, outcome, detail) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`,
      args: chunk.flatMap((r) => [r.id, at, r.outcome, r.detail.slice(0, 1000)]),
    });
  }
}

export type DeliveryCounts = { updateId: number; queued: number; sent: number; retrying: number; failed: number; cancelled: number };

/** Per-update delivery counts of an incident's mails, webhooks and Slack posts. */
export async function deliveryCounts(db: Executor, incidentId: number): Promise<DeliveryCounts[]> {
  const { rows } = await db.execute({
    sql: `SELECT update_id, state, count(*) AS n FROM outbox WHERE incident_id = ? GROUP BY update_id, state ORDER BY update_id`,
    args: [incidentId],
  });
  const counts = new Map<number, DeliveryCounts>();
  for (const r of rows) {
    const updateId = Number(r.update_id);
    const entry = counts.get(updateId) ?? { updateId, queued: 0, sent: 0, retrying: 0, failed: 0, cancelled: 0 };
    entry[String(r.state) as 'queued'] = Number(r.n);
    counts.set(updateId, entry);
  }
  return [...counts.values()];
}
