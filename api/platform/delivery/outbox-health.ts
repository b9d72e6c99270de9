import type { Executor } from '../db/client.ts';

export type OutboxBacklog = { channel: 'mail' | 'webhook' | 'slack'; depth: number; oldestCreatedAt: string | null };

/**
 * How much of the outbox waits (queued or retrying), by channel, and since when: read at
 * every /metrics scrape. Uses the partial index on waiting rows (outbox_due), so its cost
 * follows the backlog, not the history.
 */
export async function outboxBacklog(db: Executor): Promise<OutboxBacklog[]> {
  const { rows } = await db.execute(
    `SELECT CASE WHEN kind IN ('webhook', 'slack') THEN kind ELSE 'mail' END AS channel, count(*) AS depth, min(created_at) AS oldest
     FROM outbox WHERE state IN ('queued', 'retrying') GROUP BY 1`,
  );
  return rows.map((r) => ({ channel: String(r.channel) as OutboxBacklog['channel'], depth: Number(r.depth), oldestCreatedAt: r.oldest === null ? null : String(r.oldest) }));
}
