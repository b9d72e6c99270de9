import type { Executor } from './client.ts';

/**
 * Writes a consistent copy of the whole database to `path` (SQLite's VACUUM INTO): one read
 * transaction, so writers carry on (WAL) and the copy is the database as of its start.
 */
export async function vacuumInto(db: Executor, path: string): Promise<void> {
  await db.execute({ sql: 'VACUUM INTO ?', args: [path] });
}

/** SQLite's own check of every page and index; `['ok']` when the file is sound. */
export async function integrityCheck(db: Executor): Promise<string[]> {
  const { rows } = await db.execute('PRAGMA integrity_check');
  return rows.map((r) => String(Object.values(r)[0]));
}

/** Rows per table, for a line an operator can compare before and after. */
export async function tableCounts(db: Executor, tables: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const exists = await db.execute({ sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", args: [table] });
    if (exists.rows.length) counts[table] = Number((await db.execute(`SELECT count(*) AS n FROM "${table.replace(/"/g, '')}"`)).rows[0]?.n ?? 0);
  }
  return counts;
}
