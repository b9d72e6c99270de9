import { randomBytes } from 'node:crypto';
import type { Executor } from './client.ts';

/**
 * The database's identity (migration 0015): a random id made with it. Null on a database
 * older than that migration (it gets one at the next start).
 * @example await databaseIdentity(db) // 'a3f9…' (32 hex digits)
 */
export async function databaseIdentity(db: Executor): Promise<string | null> {
  if (!(await hasIdentityTable(db))) return null;
  const { rows } = await db.execute('SELECT id FROM database_identity WHERE only = 1');
  return rows[0] ? String(rows[0].id) : null;
}

/**
 * Gives the database a new identity: what `npm run restore` does to the copy it puts in place,
 * so a snapshot published from the database it replaces is never taken for this one's. A
 * database older than migration 0015 is left as it is (its first start makes one).
 */
export async function renewDatabaseIdentity(db: Executor, now: Date): Promise<void> {
  if (!(await hasIdentityTable(db))) return;
  await db.execute({ sql: 'UPDATE database_identity SET id = ?, created_at = ? WHERE only = 1', args: [randomBytes(16).toString('hex'), now.toISOString()] });
}

const hasIdentityTable = async (db: Executor) =>
  (await db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'database_identity'")).rows.length > 0;

/**
 * Whether the database was made (its first migration applied) at or after `since`: a start on
 * a new, empty database.
 * @example await createdSince(db, startedAt) // true on the first start of a new database file
 */
export async function createdSince(db: Executor, since: Date): Promise<boolean> {
  const { rows } = await db.execute({ sql: "SELECT applied_at FROM schema_migrations WHERE name = '0001_init.sql'", args: [] });
  return rows[0] !== undefined && Date.parse(String(rows[0].applied_at)) >= since.getTime();
}
