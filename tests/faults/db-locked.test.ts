/**
 * Another process holding the database's write lock (a second Herald, a CLI, `sqlite3` with
 * BEGIN EXCLUSIVE), against a running Herald with default settings: readers are never made to
 * wait on it, /healthz says so while it lasts, and a write issued meanwhile lands once it is let go.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeIncident } from '../support/factories.ts';
import { holdWriteLock } from '../support/locks.ts';
import { adminPost, removeDir, startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'held-lock-admin-token-0123456789abcdef';
/** How long the other process holds the lock. */
const LOCK_MS = 8000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
  server = undefined;
});

describe('a write lock held by another process', () => {
  it('never makes / wait, is reported by /healthz, and a write issued meanwhile lands once it is let go', async () => {
    server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN });
    const { url } = server;
    const file = join(server.dir, 'herald.db');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const lock = await holdWriteLock(file);
    const lockedAt = performance.now();
    let answeredAt = 0;
    const write = fetch(`${url}/api/admin/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(makeIncident({ title: 'Declared while the database was locked' })),
    }).then(async (response) => {
      answeredAt = performance.now();
      return { status: response.status, body: await response.text() };
    });

    const readTimes: number[] = [];
    let health: { status: number; body: { status: string; database: string; databaseProblem?: string } } | undefined;
    while (performance.now() - lockedAt < LOCK_MS) {
      const started = performance.now();
      const home = await fetch(`${url}/`);
      await home.arrayBuffer();
      readTimes.push(performance.now() - started);
      expect(home.status).toBe(200);
      if (!health && performance.now() - lockedAt > 3500) {
        const response = await fetch(`${url}/healthz`);
        health = { status: response.status, body: await response.json() };
      }
      await sleep(25);
    }
    const releasedAt = performance.now();
    await lock.release();
    const written = await write;

    // A correctness bound, not a speed target: the slowest read is far from the lock's length.
    expect(readTimes.length).toBeGreaterThan(20);
    expect(Math.max(...readTimes)).toBeLessThan(LOCK_MS / 4);
    expect(health?.status).toBe(503);
    expect(health?.body).toMatchObject({ status: 'degraded', database: 'locked', databaseProblem: expect.stringContaining('[Database] Another connection') });
    expect(written.status, written.body).toBe(201);
    expect(answeredAt).toBeGreaterThanOrEqual(releasedAt - 50);
    const { ref } = JSON.parse(written.body) as { ref: string };

    // The lock gone, all is well, and the next write lands too.
    const healthAfter = await fetch(`${url}/healthz`);
    expect([healthAfter.status, (await healthAfter.json()).database]).toEqual([200, 'ok']);
    const after = await adminPost(url, TOKEN, '/api/admin/incidents', makeIncident({ title: 'Declared after the lock' }));
    expect((await fetch(`${url}/incidents/${ref}`)).status).toBe(200);
    expect((await fetch(`${url}/incidents/${after.ref}`)).status).toBe(200);
    expect(server.output()).toContain('[Database] Another connection');

    // Nothing lost: both are in the file, as another process reads it once Herald has stopped.
    expect(await server.stop()).toBe(0);
    const titles = spawnSync('sqlite3', [file, 'SELECT title FROM incidents ORDER BY id'], { encoding: 'utf8' }).stdout;
    expect(titles).toContain('Declared while the database was locked');
    expect(titles).toContain('Declared after the lock');
  });

  it("keeps answering the admin API's reads while writes queue for the lock, and lands every write once it is let go", async () => {
    server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN });
    const { url } = server;
    const file = join(server.dir, 'herald.db');
    const lock = await holdWriteLock(file);
    // Five writers at once: one of them tries for the lock, the others wait their turn to.
    const writes = Array.from({ length: 5 }, (_, n) =>
      fetch(`${url}/api/admin/incidents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(makeIncident({ title: `Queued behind the lock ${n}` })),
      }).then(async (response) => ({ status: response.status, body: await response.text() })),
    );
    await sleep(1500);
    // A read never waits for the lock, however many writes do.
    const list = await fetch(`${url}/api/admin/incidents`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(list.status).toBe(200);
    await lock.release();
    for (const written of await Promise.all(writes)) expect(written.status, written.body).toBe(201);
    const titles = (
      (await (await fetch(`${url}/api/admin/incidents`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { incidents: { title: string }[] }
    ).incidents.map((i) => i.title);
    for (let n = 0; n < 5; n++) expect(titles).toContain(`Queued behind the lock ${n}`);
  });
});
