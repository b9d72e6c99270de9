import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../api/platform/db/client.ts';
import { migrate } from '../../../api/platform/db/migrate.ts';

const MIGRATIONS = join(import.meta.dirname, '..', '..', '..', 'api', 'platform', 'db', 'migrations');
const PLAN = readdirSync(MIGRATIONS).find((name) => name.endsWith('_plan_measures.sql'))!;

describe('the plan measures migration', () => {
  it('dates the detection of incidents declared before it to their declaration', async () => {
    const before = mkdtempSync(join(tmpdir(), 'herald-mig-'));
    try {
      for (const name of readdirSync(MIGRATIONS).filter((n) => n < PLAN)) cpSync(join(MIGRATIONS, name), join(before, name));
      const db = await openDb({ url: ':memory:' });
      await migrate(db, before);
      await db.execute(`INSERT INTO incidents (title, severity, status, started_at, updated_at)
                        VALUES ('Old', 'P1', 'investigating', '2026-01-01T10:00:00.000Z', '2026-01-01T10:00:00.000Z')`);
      cpSync(join(MIGRATIONS, PLAN), join(before, PLAN));
      expect(await migrate(db, before)).toEqual([PLAN]);
      const { rows } = await db.execute('SELECT detected_at, acknowledged_at, postmortem_completed_at FROM incidents');
      expect({ ...rows[0] }).toEqual({ detected_at: '2026-01-01T10:00:00.000Z', acknowledged_at: null, postmortem_completed_at: null });
      db.close();
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
  });
});
