/**
 * A full or read-only SNAPSHOT_DIR never freezes the live site: a write is shown on the pages
 * and in the JSON at once, /healthz, the metrics and the log say the directory lags and why,
 * and once the disk takes writes again the directory catches up. The real server on a real
 * 2 MB tmpfs, filled up and then remounted read-only.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { adminPost, removeDir, startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'snapshot-disk-admin-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'herald-disk-'));
const snapshotDir = join(dir, 'snapshot');
const filler = join(snapshotDir, '.filler');
let server: RunningServer;

/** Fills the tmpfs to the last byte it will take. */
function fillDisk(): void {
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  // A write smaller than a chunk may still fit: keep going a byte at a time down to nothing.
  const tail = openSync(filler, 'a');
  try {
    for (let size = 4096; size >= 1; size = Math.floor(size / 2)) {
      try {
        for (;;) writeSync(tail, Buffer.alloc(size, 1));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(tail);
  }
}

const text = async (path: string) => (await fetch(`${server.url}${path}`)).text();
const health = async () => {
  const response = await fetch(`${server.url}/healthz`);
  return {
    status: response.status,
    body: (await response.json()) as { status: string; snapshot: { mirror: { state: string; pendingFiles: number; error?: string } } },
  };
};
const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await text('/metrics'))?.[1]);

/** Resolves once `check` holds, polling every 100 ms; throws after `ms`. */
async function within(ms: number, what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Not within ${ms} ms: ${what}\n${server.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const onDisk = (file: string) => (existsSync(join(snapshotDir, file)) ? readFileSync(join(snapshotDir, file), 'utf8') : '');

beforeAll(async () => {
  mkdirSync(snapshotDir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', snapshotDir]);
  server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN, SNAPSHOT_DIR: snapshotDir }, dir);
  await within(10_000, 'the first publish on disk', () => onDisk('index.html').includes('<h1') && existsSync(join(snapshotDir, '.publish.json')));
}, 60_000);

afterAll(async () => {
  await server?.stop();
  try {
    execFileSync('umount', ['-l', snapshotDir]);
  } catch {
    // Not mounted: the mount failed, which the test has reported.
  }
  removeDir(dir);
});

describe('a full snapshot disk', () => {
  it('shows a declared incident on /, in unresolved.json and on its page at once, and /healthz says the directory lags', async () => {
    fillDisk();
    const { ref } = await adminPost(server.url, TOKEN, '/api/admin/incidents', makeIncident({ title: 'Declared on a full disk' }));
    await within(3000, 'the incident on the live pages', async () => {
      const [home, unresolved, page] = await Promise.all([text('/'), text('/api/v2/incidents/unresolved.json'), text(`/incidents/${ref}`)]);
      return home.includes('Declared on a full disk') && unresolved.includes('Declared on a full disk') && page.includes('Declared on a full disk');
    });
    expect(onDisk('index.html')).not.toContain('Declared on a full disk');

    await within(5000, '/healthz to report the failing mirror', async () => (await health()).status === 503);
    const { body } = await health();
    expect(body.status).toBe('degraded');
    expect(body.snapshot.mirror.state).toBe('failing');
    expect(body.snapshot.mirror.error).toMatch(/ENOSPC/);
    expect(body.snapshot.mirror.pendingFiles).toBeGreaterThan(0);
    expect(await metric('herald_snapshot_mirror_failing')).toBe(1);
    expect(await metric('herald_snapshot_mirror_pending_files')).toBeGreaterThan(0);
    const logged = server
      .output()
      .split('\n')
      .find((line) => line.includes('[Snapshot] Cannot write'));
    expect(logged).toMatch(/"level":"error"/);
    expect(logged).toMatch(/ENOSPC/);
  });

  it('catches the directory up once space returns, and /healthz is green again', async () => {
    rmSync(filler);
    await within(15_000, 'the directory to catch up', async () => (await health()).status === 200);
    expect((await health()).body.snapshot.mirror).toMatchObject({ state: 'ok', pendingFiles: 0 });
    expect(onDisk('index.html')).toContain('Declared on a full disk');
    expect(onDisk('incidents/INC-1/index.html')).toContain('Declared on a full disk');
    expect(onDisk('api/v2/incidents/unresolved.json')).toContain('Declared on a full disk');
    expect(await metric('herald_snapshot_mirror_failing')).toBe(0);
    expect(server.output()).toMatch(/\[Snapshot\] Writing to .* works again/);
  });
});

describe('a read-only snapshot disk', () => {
  it('shows an update at once while the disk refuses writes, and catches up once it is writable', async () => {
    execFileSync('mount', ['-o', 'remount,ro', snapshotDir]);
    try {
      await adminPost(server.url, TOKEN, '/api/admin/incidents/INC-1/updates', makeUpdate({ message: 'Posted while the disk was read-only.' }));
      await within(
        3000,
        'the update on the live pages',
        async () =>
          (await text('/incidents/INC-1')).includes('Posted while the disk was read-only.') &&
          (await text('/')).includes('Posted while the disk was read-only.'),
      );
      await within(5000, '/healthz to report the read-only directory', async () => (await health()).body.snapshot.mirror.error?.includes('EROFS') === true);
      expect((await health()).status).toBe(503);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', snapshotDir]);
    }
    await within(15_000, 'the directory to catch up', async () => (await health()).status === 200);
    expect(onDisk('incidents/INC-1/index.html')).toContain('Posted while the disk was read-only.');
  });
});
