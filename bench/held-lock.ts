/**
 * `/` while another process holds the database's write lock (`sqlite3` in BEGIN EXCLUSIVE, as a
 * second Herald or a CLI would for a moment, or a person for longer), against `/` with no lock:
 * readers must not notice. A write is posted as the lock is taken; it must land once the lock is
 * let go. Part of `npm run bench`; alone: `npm run build && node bench/held-lock.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holdWriteLock } from '../tests/support/locks.ts';
import { startServer, type RunningServer } from '../tests/support/server.ts';
import { round } from './stats.ts';
import { wrk, type WrkResult } from './wrk.ts';

export const HELD_LOCK = { connections: 50, seconds: 8, acceptEncoding: 'br, gzip' } as const;

export type HeldLockResult = {
  unlocked: WrkResult;
  locked: WrkResult;
  /** The write posted as the lock was taken: its status, and when it was answered after the lock was let go (ms; negative: before). */
  write: { status: number; answeredAfterReleaseMs: number };
};

export async function measureHeldLock(options: {
  nodeArgs: string[];
  env?: Record<string, string>;
  adminToken: string;
  children: { stop(): unknown }[];
}): Promise<HeldLockResult> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-lock-'));
  let server: RunningServer | undefined;
  try {
    server = await startServer({ ...options.env, HERALD_DEMO: 'true', HERALD_ADMIN_TOKEN: options.adminToken }, dir, {
      waitFor: 'ready',
      nodeArgs: options.nodeArgs,
    });
    options.children.push(server);
    const url = `${server.url}/`;
    const load = () => wrk(url, { connections: HELD_LOCK.connections, seconds: HELD_LOCK.seconds, headers: { 'accept-encoding': HELD_LOCK.acceptEncoding } });
    await wrk(url, { connections: HELD_LOCK.connections, seconds: 2, headers: { 'accept-encoding': HELD_LOCK.acceptEncoding } });
    const unlocked = await load();

    const lock = await holdWriteLock(join(dir, 'herald.db'));
    let answeredAt = 0;
    const write = fetch(`${server.url}/api/admin/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Declared while the database was locked', severity: 'P3', status: 'investigating', message: 'Bench write.' }),
    }).then((response) => {
      answeredAt = performance.now();
      return response.status;
    });
    const locked = await load();
    const releasedAt = performance.now();
    await lock.release();
    const status = await write;
    return { unlocked, locked, write: { status, answeredAfterReleaseMs: round(answeredAt - releasedAt, 1) } };
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { randomBytes } = await import('node:crypto');
  const result = await measureHeldLock({ nodeArgs: [], adminToken: randomBytes(24).toString('base64url'), children: [] });
  const line = (name: string, r: WrkResult) =>
    `  ${name}: ${Math.round(r.requestsPerSecond)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, slowest ${r.maxMs} ms, ${r.timeouts} timeouts, ${r.errorResponses} error responses`;
  console.info(`[Bench] / at ${HELD_LOCK.connections} connections for ${HELD_LOCK.seconds} s, with and without another process holding the write lock`);
  console.info(line('no lock  ', result.unlocked));
  console.info(line('lock held', result.locked));
  console.info(
    `  the write posted as the lock was taken: ${result.write.status}, answered ${result.write.answeredAfterReleaseMs} ms after the lock was let go`,
  );
}
