import type { Executor } from '../../platform/db/client.ts';

export type Webhook = { id: number; url: string; createdAt: string };

export async function listWebhooks(db: Executor): Promise<Webhook[]> {
  const { rows } = await db.execute('SELECT id, url, created_at FROM webhooks WHERE removed_at IS NULL ORDER BY id');
  return rows.map((r) => ({ id: Number(r.id), url: String(r.url), createdAt: String(r.created_at) }));
}

export async function insertWebhook(db: Executor, url: string, secret: string, now: Date): Promise<number> {
  const { rows } = await db.execute({
    sql: 'INSERT INTO webhooks (url, secret, created_at) VALUES (?, ?, ?) RETURNING id',
    args: [url, secret, now.toISOString()],
  });
  return Number(rows[0]?.id);
}

/** @returns whether an active webhook was removed. */
export async function removeWebhook(db: Executor, id: number, now: Date): Promise<boolean> {
  const { rowsAffected } = await db.execute({ sql: 'UPDATE webhooks SET removed_at = ? WHERE id = ? AND removed_at IS NULL', args: [now.toISOString(), id] });
  return rowsAffected > 0;
}
