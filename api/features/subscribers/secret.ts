import { randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db/client.ts';

/**
 * The key that signs subscribers' links. HERALD_SECRET when set (then a copy of the database
 * alone cannot make a working link); otherwise one generated once and kept in the database,
 * shared by every process that uses it.
 */
export async function loadLinkSecret(db: Db, configured: string | undefined, now: Date): Promise<{ secret: string; generated: boolean }> {
  if (configured) return { secret: configured, generated: false };
  await db.execute({
    sql: `INSERT OR IGNORE INTO herald_secrets (name, value, created_at) VALUES ('links', ?, ?)`,
    args: [randomBytes(32).toString('base64url'), now.toISOString()],
  });
  const { rows } = await db.execute(`SELECT value FROM herald_secrets WHERE name = 'links'`);
  return { secret: String(rows[0]?.value), generated: true };
}
