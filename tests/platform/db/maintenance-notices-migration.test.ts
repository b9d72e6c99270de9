import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../api/platform/db/client.ts';
import { migrate } from '../../../api/platform/db/migrate.ts';

const MIGRATIONS = join(import.meta.dirname, '..', '..', '..', 'api', 'platform', 'db', 'migrations');
const EVENTS = readdirSync(MIGRATIONS).find((name) => name.endsWith('_maintenance_notices.sql'))!;

describe('the maintenance notices migration', () => {
  it('names what each earlier timeline entry did, from the statuses it moved the window through', async () => {
    const before = mkdtempSync(join(tmpdir(), 'herald-mig-'));
    try {
      for (const name of readdirSync(MIGRATIONS).filter((n) => n < EVENTS)) cpSync(join(MIGRATIONS, name), join(before, name));
      const db = await openDb({ url: ':memory:' });
      await migrate(db, before);
      const at = (m: number) => `2026-01-01T10:0${m}:00.000Z`;
      await db.execute(`INSERT INTO maintenances (id, title, status, scheduled_for, scheduled_until, created_at, updated_at)
                        VALUES (1, 'Ran', 'completed', '${at(0)}', '${at(5)}', '${at(0)}', '${at(5)}'),
                               (2, 'Called off', 'completed', '${at(0)}', '${at(5)}', '${at(0)}', '${at(5)}')`);
      const entries: [number, string, number][] = [
        [1, 'scheduled', 0],
        [1, 'scheduled', 1],
        [1, 'in_progress', 2],
        [1, 'completed', 3],
        [2, 'scheduled', 0],
        [2, 'completed', 4],
      ];
      for (const [id, status, m] of entries) {
        await db.execute({
          sql: `INSERT INTO maintenance_updates (maintenance_id, status, message, notify, author, created_at) VALUES (?, ?, 'x', 1, 'test', ?)`,
          args: [id, status, at(m)],
        });
      }
      cpSync(join(MIGRATIONS, EVENTS), join(before, EVENTS));
      expect(await migrate(db, before)).toEqual([EVENTS]);
      const { rows } = await db.execute('SELECT maintenance_id, event FROM maintenance_updates ORDER BY id');
      expect(rows.map((r) => [Number(r.maintenance_id), r.event])).toEqual([
        [1, 'scheduled'],
        [1, 'updated'],
        [1, 'started'],
        [1, 'ended'],
        [2, 'scheduled'],
        [2, 'cancelled'],
      ]);
      await expect(db.execute(`UPDATE maintenance_updates SET event = 'postponed' WHERE id = 1`)).rejects.toThrow(/CHECK/);
      db.close();
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
  });
});
