import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../api/platform/db/client.ts';
import { migrate } from '../../../api/platform/db/migrate.ts';

const MIGRATIONS = join(import.meta.dirname, '..', '..', '..', 'api', 'platform', 'db', 'migrations');

describe('migration 0006_maintenance', () => {
  it('keeps every outbox row, its id sequence and its once-only rule when it rebuilds the outbox', async () => {
    const before = mkdtempSync(join(tmpdir(), 'herald-mig-'));
    try {
      for (const name of ['0001_init.sql', '0002_subscribers.sql', '0003_desk.sql', '0004_service_events.sql', '0005_service_event_hooks.sql']) {
        cpSync(join(MIGRATIONS, name), join(before, name));
      }
      const db = await openDb({ url: ':memory:' });
      await migrate(db, before);
      await db.execute(`INSERT INTO outbox (kind, subscriber_id, incident_id, update_id, state, next_attempt_at, created_at)
                        VALUES ('incident', 1, 1, 7, 'sent', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
                               ('confirm', 2, NULL, NULL, 'queued', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
      // Only 0006 on top: later migrations are not what this test is about.
      cpSync(join(MIGRATIONS, '0006_maintenance.sql'), join(before, '0006_maintenance.sql'));
      expect(await migrate(db, before)).toEqual(['0006_maintenance.sql']);
      const { rows } = await db.execute('SELECT id, kind, state, update_id FROM outbox ORDER BY id');
      expect(rows.map((r) => ({ ...r }))).toEqual([
        { id: 1, kind: 'incident', state: 'sent', update_id: 7 },
        { id: 2, kind: 'confirm', state: 'queued', update_id: null },
      ]);
      const next = await db.execute(`INSERT INTO outbox (kind, subscriber_id, next_attempt_at, created_at) VALUES ('welcome', 3, 'x', 'x') RETURNING id`);
      expect(next.rows[0]?.id).toBe(3);
      await expect(
        db.execute(`INSERT INTO outbox (kind, subscriber_id, incident_id, update_id, next_attempt_at, created_at) VALUES ('incident', 1, 1, 7, 'x', 'x')`),
      ).rejects.toThrow(/UNIQUE/);
      db.close();
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
  });
});
