import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../api/platform/db/client.ts';
import { migrate } from '../../../api/platform/db/migrate.ts';

const MIGRATIONS = join(import.meta.dirname, '..', '..', '..', 'api', 'platform', 'db', 'migrations');
const INTAKE = readdirSync(MIGRATIONS).find((name) => name.endsWith('_intake.sql'))!;

describe('the intake migration', () => {
  it('keeps every token with its role, lets a token be intake (a user still cannot), and counts only published incidents in the history', async () => {
    const before = mkdtempSync(join(tmpdir(), 'herald-mig-'));
    try {
      for (const name of readdirSync(MIGRATIONS).filter((n) => n < INTAKE)) cpSync(join(MIGRATIONS, name), join(before, name));
      const db = await openDb({ url: ':memory:' });
      await migrate(db, before);
      await db.execute(`INSERT INTO api_tokens (name, token_hash, created_at, role) VALUES ('ops', 'h1', '2026-01-01T00:00:00.000Z', 'support')`);
      await db.execute(`INSERT INTO incidents (title, severity, status, started_at, updated_at)
                        VALUES ('Old', 'P1', 'resolved', '2026-01-01T10:00:00.000Z', '2026-01-01T10:00:00.000Z')`);
      cpSync(join(MIGRATIONS, INTAKE), join(before, INTAKE));
      expect(await migrate(db, before)).toEqual([INTAKE]);
      expect((await db.execute('SELECT name, token_hash, role FROM api_tokens')).rows.map((r) => ({ ...r }))).toEqual([
        { name: 'ops', token_hash: 'h1', role: 'support' },
      ]);
      await db.execute(`INSERT INTO api_tokens (name, token_hash, created_at, role) VALUES ('prom', 'h2', '2026-01-01T00:00:00.000Z', 'intake')`);
      await expect(
        db.execute(`INSERT INTO users (email, role, password_hash, password_changed_at, created_at) VALUES ('a@example.test', 'intake', 'x', 'now', 'now')`),
      ).rejects.toThrow(/CHECK constraint/);
      expect(Number((await db.execute('SELECT draft FROM incidents')).rows[0]?.draft)).toBe(0);

      const count = async (serviceId: number) =>
        Number(
          (
            await db.execute({
              sql: `SELECT coalesce(sum(incidents), 0) AS n FROM history_months WHERE service_id = ? AND month = '2026-02'`,
              args: [serviceId],
            })
          ).rows[0]?.n,
        );
      await db.execute(`INSERT INTO services (slug, name, created_at, updated_at) VALUES ('api', 'API', 'now', 'now')`);
      await db.execute(`INSERT INTO incidents (title, severity, status, started_at, updated_at, draft)
                        VALUES ('Alert', 'P2', 'investigating', '2026-01-31T10:00:00.000Z', '2026-01-31T10:00:00.000Z', 1)`);
      await db.execute(`INSERT INTO incident_services (incident_id, service_id) VALUES (2, 1)`);
      expect([await count(0), await count(1)]).toEqual([0, 0]);
      // Published in February: counted there, for the site and for the service it names.
      await db.execute(`UPDATE incidents SET draft = 0, started_at = '2026-02-01T09:00:00.000Z' WHERE id = 2`);
      expect([await count(0), await count(1)]).toEqual([1, 1]);
      expect(
        Number((await db.execute(`SELECT coalesce(sum(incidents), 0) AS n FROM history_months WHERE month = '2026-01' AND service_id = 1`)).rows[0]?.n),
      ).toBe(0);
      db.close();
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
  });
});
