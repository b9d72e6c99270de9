/**
 * The outbox: one row per notice per recipient, queued inside the write that causes it,
 * claimed by the sender with a lease, and closed with a record of every attempt. It knows no
 * feature: each feature queues rows of its own kinds and registers a handler that delivers
 * them (api/platform/delivery/queue.ts); the columns name what a row is about.
 */
import type { Executor } from '../db/client.ts';

/**
 * How a row goes out: through the mail relay, or posted over HTTPS to a webhook, Slack or
 * PagerDuty. The metrics count by it, and an outage is an outage of one channel.
 */
export const CHANNELS = ['mail', 'webhook', 'slack', 'pagerduty'] as const;
export type Channel = (typeof CHANNELS)[number];

export type OutboxRow = {
  id: number;
  /** What the row is: the feature that queued it registered a handler for it. */
  kind: string;
  channel: Channel;
  subscriberId: number | null;
  webhookId: number | null;
  incidentId: number | null;
  updateId: number | null;
  /** A service status change outside an incident (webhooks only). */
  serviceEventId: number | null;
  /** A maintenance window's update (kind 'maintenance'). */
  maintenanceId: number | null;
  maintenanceUpdateId: number | null;
  /** The notice a row delivers, in its kind's own table (a freshness or plan notice). */
  noticeId: number | null;
  /** Where it goes when no other column says: an address, a URL, a routing key. */
  target: string | null;
  attempts: number;
  createdAt: string;
};

/** A row to queue: its kind and channel, and what it is about. */
export type NewOutboxRow = { kind: string; channel: Channel } & Partial<Pick<OutboxRow, 'subscriberId' | 'noticeId' | 'target' | 'incidentId'>>;

/**
 * Queues one row, due now. A row the unique indexes already hold (the same notice to the
 * same target) is not queued twice.
 */
export async function enqueue(db: Executor, row: NewOutboxRow, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.execute({
    sql: `INSERT OR IGNORE INTO outbox (kind, channel, subscriber_id, incident_id, notice_id, target, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [row.kind, row.channel, row.subscriberId ?? null, row.incidentId ?? null, row.noticeId ?? null, row.target ?? null, at, at],
  });
}

const COLUMNS =
  'id, kind, channel, subscriber_id, webhook_id, incident_id, update_id, service_event_id, maintenance_id, maintenance_update_id, notice_id, target, attempts, created_at';
const idOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/**
 * Claims up to `limit` due rows of `kinds` for `owner` until `leaseUntil`, in one statement,
 * so two senders (two processes on one libSQL server) never claim the same row. A row whose
 * lease has run out — its sender died mid-batch — is due again: delivery is at least once.
 * The sender renews the lease of the rows it is still delivering (`renewLeases`), so the
 * lease can be short and a dead sender's rows come back soon. With `takeOver` false, rows
 * another owner leased are left to it even when their lease looks run out (just after the
 * wall clock jumped forward, when every lease looks run out).
 */
export async function claimDue(
  db: Executor,
  owner: string,
  kinds: readonly string[],
  now: Date,
  leaseUntil: Date,
  limit: number,
  takeOver = true,
): Promise<OutboxRow[]> {
  const at = now.toISOString();
  const { rows } = await db.execute({
    sql: `UPDATE outbox SET lease_owner = ?, lease_until = ?
          WHERE id IN (SELECT id FROM outbox WHERE state IN ('queued','retrying') AND next_attempt_at <= ?
                       AND kind IN (${kinds.map(() => '?').join(',')})
                       AND (lease_until IS NULL OR (lease_until <= ? AND (? OR lease_owner = ?))) ORDER BY next_attempt_at, id LIMIT ?)
          RETURNING ${COLUMNS}`,
    args: [owner, leaseUntil.toISOString(), at, ...kinds, at, takeOver ? 1 : 0, owner, limit],
  });
  return rows
    .map((r) => ({
      id: Number(r.id),
      kind: String(r.kind),
      channel: String(r.channel) as Channel,
      subscriberId: idOrNull(r.subscriber_id),
      webhookId: idOrNull(r.webhook_id),
      incidentId: idOrNull(r.incident_id),
      updateId: idOrNull(r.update_id),
      serviceEventId: idOrNull(r.service_event_id),
      maintenanceId: idOrNull(r.maintenance_id),
      maintenanceUpdateId: idOrNull(r.maintenance_update_id),
      noticeId: idOrNull(r.notice_id),
      target: r.target === null || r.target === undefined ? null : String(r.target),
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

/**
 * Why a channel itself failed, not the row: the relay refused Herald's credentials or sender,
 * or could not be reached. Such a failure says nothing about the recipient.
 */
export type ChannelFault = { reason: string };

/**
 * How one attempt ended. `retryAt` for a retry. `bounced`: the recipient itself was refused for
 * good (an SMTP 5xx to RCPT TO). `channelFault`: the channel failed, not this row (the queue
 * counts an outage of the channel and says so once).
 */
export type AttemptResult =
  | { id: number; outcome: 'sent'; detail: string }
  | { id: number; outcome: 'retry'; detail: string; retryAt: Date; channelFault?: ChannelFault }
  | { id: number; outcome: 'failed'; detail: string; bounced?: true; channelFault?: ChannelFault }
  | { id: number; outcome: 'cancelled'; detail: string };

/** Records a batch's attempts and moves each row on, only while `owner` still holds its lease. */
export async function recordAttempts(db: Executor, owner: string, results: readonly AttemptResult[], now: Date): Promise<void> {
  if (results.length === 0) return;
  const at = now.toISOString();
  const sent = results.filter((r) => r.outcome === 'sent');
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
    sql: `SELECT update_id, state, count(*) AS n FROM outbox WHERE incident_id = ? AND update_id IS NOT NULL GROUP BY update_id, state ORDER BY update_id`,
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
