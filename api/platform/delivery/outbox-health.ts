import type { Executor } from '../db/client.ts';
import type { Channel } from './outbox.ts';

export type OutboxBacklog = { channel: Channel; depth: number; oldestCreatedAt: string | null };

/**
 * How much of the outbox waits (queued or retrying), by channel, and since when: read at
 * every /metrics scrape. Uses the partial index on waiting rows (outbox_due), so its cost
 * follows the backlog, not the history.
 */
export async function outboxBacklog(db: Executor): Promise<OutboxBacklog[]> {
  const { rows } = await db.execute(
    `SELECT channel, count(*) AS depth, min(created_at) AS oldest FROM outbox WHERE state IN ('queued', 'retrying') GROUP BY channel`,
  );
  return rows.map((r) => ({ channel: String(r.channel) as Channel, depth: Number(r.depth), oldestCreatedAt: r.oldest === null ? null : String(r.oldest) }));
}
