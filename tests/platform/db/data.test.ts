import { silentLog } from '../../../api/platform/log/log.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalogue } from '../../../api/platform/content.ts';
import { openDb } from '../../../api/platform/db/client.ts';
import { syncCatalogue } from '../../../api/features/services/catalogue.ts';
import { migrate } from '../../../api/platform/db/migrate.ts';
import { listServices } from '../../../api/features/services/store.ts';
import { makeIncident } from '../../support/factories.ts';
import { makeTestApp } from '../../support/app.ts';

const tempDb = async () => {
  const db = await openDb({ url: `file:${join(mkdtempSync(join(tmpdir(), 'herald-db-')), 'sub', 'herald.db')}` });
  await migrate(db);
  return db;
};

describe('the embedded database', () => {
  it('is created on first open in WAL mode with full sync and foreign keys', async () => {
    const db = await tempDb();
    const pragma = async (name: string) => Object.values((await db.execute(`PRAGMA ${name}`)).rows[0] ?? {})[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2);
    expect(await pragma('foreign_keys')).toBe(1);
    db.close();
  });

  it('applies each migration once and records it', async () => {
    const db = await tempDb();
    expect(await migrate(db)).toEqual([]);
    const { rows } = await db.execute('SELECT name FROM schema_migrations');
    expect(rows.map((r) => r.name)).toContain('0001_init.sql');
    db.close();
  });

  it('rolls a failed write transaction back whole', async () => {
    const db = await tempDb();
    await expect(
      db.write(async (tx) => {
        await tx.execute("INSERT INTO service_groups (slug, name) VALUES ('g', 'G')");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.execute('SELECT count(*) AS n FROM service_groups')).rows[0]?.n).toBe(0);
    db.close();
  });

  it('lets other calls wait for an open write transaction instead of failing', async () => {
    const db = await openDb({ url: ':memory:' });
    await migrate(db);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const writing = db.write(async (tx) => {
      await tx.execute("INSERT INTO service_groups (slug, name) VALUES ('g', 'G')");
      await held;
    });
    const reading = db.execute('SELECT count(*) AS n FROM service_groups');
    release();
    await writing;
    expect((await reading).rows[0]?.n).toBe(1);
  });
});

describe('catalogue sync', () => {
  const catalogue = (slugs: string[]): Catalogue => ({
    groups: [{ slug: 'core', name: 'Core', services: slugs.map((slug) => ({ slug, name: slug.toUpperCase(), description: '' })) }],
  });

  it('adds, renames and archives catalogue services but keeps their live status', async () => {
    const db = await tempDb();
    const now = new Date('2026-03-10T12:00:00Z');
    expect((await syncCatalogue(db, catalogue(['a', 'b']), now)).added).toEqual(['a', 'b']);
    await db.execute("UPDATE services SET status = 'major_outage' WHERE slug = 'a'");
    const report = await syncCatalogue(db, { groups: [{ slug: 'core', name: 'Core', services: [{ slug: 'a', name: 'Renamed', description: 'x' }] }] }, now);
    expect(report.archived).toEqual(['b']);
    const services = await listServices(db);
    expect(services.map((s) => [s.slug, s.name, s.status])).toEqual([['a', 'Renamed', 'major_outage']]);
    db.close();
  });

  it('keeps a removed service that an open incident still names', async () => {
    const t = await makeTestApp();
    await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'api', status: 'major_outage' }] }));
    const report = await syncCatalogue(t.db, catalogue(['web-app']), t.clock.now());
    expect(report.kept).toEqual(['api']);
    expect(report.archived).toContain('billing');
  });

  it('refuses a catalogue with a duplicate slug', () => {
    expect(Catalogue.safeParse(catalogue(['a', 'a'])).success).toBe(false);
  });
});

describe('publishing', () => {
  it('merges a burst of publishes into one render that resolves once all of them are visible', async () => {
    const rendered: string[] = [];
    const t = await makeTestApp({ renderPage: async (path) => (rendered.push(path), `<p>${path}</p>`) });
    rendered.length = 0;
    await t.call('POST', '/api/admin/incidents', makeIncident());
    rendered.length = 0;
    const results = await Promise.all([{ incidents: [] }, { incidents: [1] }, { incidents: [] }].map((scope) => t.publisher.publish(scope)));
    expect(new Set(results).size).toBe(1);
    expect(rendered.filter((p) => p === '/')).toHaveLength(1);
    expect(rendered).toContain('/incidents/INC-1');
  });

  it('rewrites nothing when nothing changed, and leaves feeds a change does not touch alone', async () => {
    const t = await makeTestApp();
    t.clock.advance(60_000);
    expect((await t.publisher.publish('all')).changed).toEqual([]);
    const apiFeed = t.snapshot.get('/services/api/feed.xml')?.etag;
    const allFeed = t.snapshot.get('/feed.xml')?.etag;
    await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'billing', status: 'degraded_performance' }] }));
    expect(t.snapshot.get('/services/api/feed.xml')?.etag).toBe(apiFeed);
    expect(t.snapshot.get('/feed.xml')?.etag).not.toBe(allFeed);
  });

  it('tells when an open incident next turns overdue, so its page can be republished then', async () => {
    const deadlines: (string | null)[] = [];
    const t = await makeTestApp();
    const { createPublisher } = await import('../../../api/site/publisher.ts');
    await t.call('POST', '/api/admin/incidents', makeIncident({ nextUpdateInMinutes: 10 }));
    const publisher = createPublisher({
      db: t.db,
      clock: t.clock,
      snapshot: t.snapshot,
      renderPage: null,
      log: silentLog,
      settings: { name: 'x', title: 'x', description: '' },
      publicUrl: 'https://x.test',
      updateIntervalMinutes: 30,
      onNextDeadline: (at, open) => deadlines.push(at ? `${at.toISOString()} ${open.join(',')}` : null),
    });
    await publisher.publish('all');
    t.clock.advance(10 * 60_000);
    await publisher.publish('all');
    // Once overdue, the next change by itself is midnight (UTC), when the uptime bars move.
    expect(deadlines).toEqual(['2026-03-10T12:10:00.000Z 1', '2026-03-11T00:00:00.000Z 1']);
  });
});
