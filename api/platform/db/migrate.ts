import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../paths.ts';
import type { Db } from './client.ts';

/** The SQL files stay with the sources: `build/` holds only the compiled code. */
const MIGRATIONS_DIR = join(ROOT, 'api', 'platform', 'db', 'migrations');

/**
 * Applies the plain SQL files in `api/platform/db/migrations/` in name order, each in its own write
 * transaction, and records it in `schema_migrations` so it runs once.
 * @returns the names of the migrations applied now.
 */
export async function migrate(db: Db, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  await db.execute('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const done = new Set((await db.execute('SELECT name FROM schema_migrations')).rows.map((r) => String(r.name)));
  const applied: string[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    if (done.has(name)) continue;
    const sql = readFileSync(join(dir, name), 'utf8');
    await db.write(async (tx) => {
      await tx.executeMultiple(sql);
      await tx.execute({ sql: 'INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)', args: [name, new Date().toISOString()] });
    });
    applied.push(name);
  }
  return applied;
}
