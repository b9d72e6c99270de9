/**
 * When a channel itself cannot deliver — the mail relay refuses Herald's credentials or sender,
 * or cannot be reached — every row fails alike, whoever it is for. Such an outage is kept in
 * the database, not in one process's memory: every process sharing it, and one restarted
 * meanwhile, reports the same truth (GET /healthz/delivery, the metrics), and only the process
 * that saw it begin logs it.
 */
import type { Executor } from '../db/client.ts';
import type { Channel } from './outbox.ts';

export type Outage = { channel: Channel; since: string; lastFailureAt: string; lastError: string; failures: number };

/**
 * Records `failures` more failed attempts of `channel` at `now`.
 * @returns true when this begins an outage (none was open).
 */
export async function recordChannelFailure(db: Executor, channel: Channel, detail: string, failures: number, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const { rows } = await db.execute({
    sql: `INSERT INTO delivery_outages (channel, since, last_failure_at, last_error, failures) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (channel) DO UPDATE SET last_failure_at = excluded.last_failure_at, last_error = excluded.last_error,
            failures = delivery_outages.failures + excluded.failures
          RETURNING since, failures`,
    args: [channel, at, at, detail.slice(0, 1000), failures],
  });
  return Number(rows[0]?.failures) === failures && String(rows[0]?.since) === at;
}

/**
 * Ends `channel`'s outage, if one is open, and makes its rows waiting for a retry due at
 * `now`: they were held back by the outage, not by their recipients.
 * @returns the outage that ended and how many rows were made due, or null when none was open.
 */
export async function endChannelOutage(db: Executor, channel: Channel, now: Date): Promise<{ outage: Outage; due: number } | null> {
  const { rows } = await db.execute({
    sql: 'DELETE FROM delivery_outages WHERE channel = ? RETURNING since, last_failure_at, last_error, failures',
    args: [channel],
  });
  const row = rows[0];
  if (!row) return null;
  const at = now.toISOString();
  const { rowsAffected } = await db.execute({
    sql: `UPDATE outbox SET next_attempt_at = ? WHERE state = 'retrying' AND channel = ? AND next_attempt_at > ?`,
    args: [at, channel, at],
  });
  return {
    outage: {
      channel,
      since: String(row.since),
      lastFailureAt: String(row.last_failure_at),
      lastError: String(row.last_error),
      failures: Number(row.failures),
    },
    due: rowsAffected,
  };
}

/** The channels failing now, oldest outage first. */
export async function listOutages(db: Executor): Promise<Outage[]> {
  const { rows } = await db.execute('SELECT channel, since, last_failure_at, last_error, failures FROM delivery_outages ORDER BY since, channel');
  return rows.map((r) => ({
    channel: String(r.channel) as Channel,
    since: String(r.since),
    lastFailureAt: String(r.last_failure_at),
    lastError: String(r.last_error),
    failures: Number(r.failures),
  }));
}
