import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../api/platform/db/client.ts';
import { migrate } from '../../../api/platform/db/migrate.ts';

const MIGRATIONS = join(import.meta.dirname, '..', '..', '..', 'api', 'platform', 'db', 'migrations');
const CHANNELS = readdirSync(MIGRATIONS).find((name) => name.endsWith('_channels.sql'))!;

describe('the channels migration', () => {
  it('keeps every subscriber, with the services they follow, as an email subscription to everything', async () => {
    const before = mkdtempSync(join(tmpdir(), 'herald-mig-'));
    try {
      for (const name of readdirSync(MIGRATIONS).filter((n) => n < CHANNELS)) cpSync(join(MIGRATIONS, name), join(before, name));
      const db = await openDb({ url: ':memory:' });
      await migrate(db, before);
      await db.execute(`INSERT INTO services (slug, name, created_at, updated_at) VALUES ('api', 'API', 'now', 'now')`);
      await db.execute(`INSERT INTO subscribers (email, state, all_services, manage_nonce, created_at, updated_at, confirmed_at)
                        VALUES ('ann@example.com', 'confirmed', 0, 'n1', 'now', 'now', 'now'), ('bob@example.com', 'unsubscribed', 1, 'n2', 'now', 'now', NULL)`);
      await db.execute(`INSERT INTO subscriber_services (subscriber_id, service_id) VALUES (1, 1)`);
      cpSync(join(MIGRATIONS, CHANNELS), join(before, CHANNELS));
      expect(await migrate(db, before)).toEqual([CHANNELS]);

      const rows = (await db.execute('SELECT id, email, channel, events, major_only, state, all_services, manage_nonce FROM subscribers ORDER BY id')).rows;
      expect(rows.map((r) => ({ ...r }))).toEqual([
        { id: 1, email: 'ann@example.com', channel: 'email', events: 'all', major_only: 0, state: 'confirmed', all_services: 0, manage_nonce: 'n1' },
        { id: 2, email: 'bob@example.com', channel: 'email', events: 'all', major_only: 0, state: 'unsubscribed', all_services: 1, manage_nonce: 'n2' },
      ]);
      // The services they follow survive the rebuild (a cascade would have deleted them).
      expect((await db.execute('SELECT subscriber_id, service_id FROM subscriber_services')).rows.map((r) => ({ ...r }))).toEqual([
        { subscriber_id: 1, service_id: 1 },
      ]);
      // An address is unique among email subscriptions, not across channels; a target among its channel's.
      await expect(
        db.execute(`INSERT INTO subscribers (email, state, manage_nonce, created_at, updated_at) VALUES ('ANN@example.com', 'pending', 'n3', 'now', 'now')`),
      ).rejects.toThrow(/UNIQUE/);
      const slack = `INSERT INTO subscribers (channel, email, target, state, manage_nonce, created_at, updated_at)
                     VALUES ('slack', 'ann@example.com', 'https://hooks.slack.com/services/T/B/X', 'pending', ?, 'now', 'now')`;
      await db.execute({ sql: slack, args: ['n4'] });
      await expect(db.execute({ sql: slack, args: ['n5'] })).rejects.toThrow(/UNIQUE/);
      // Removing a subscriber still takes its services with it.
      await db.execute('DELETE FROM subscribers WHERE id = 1');
      expect((await db.execute('SELECT count(*) AS n FROM subscriber_services')).rows[0]?.n).toBe(0);
      db.close();
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
  });
});
