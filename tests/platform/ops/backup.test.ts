import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../api/platform/db/client.ts';
import { alertmanagerSample } from '../../features/drafts/samples.ts';
import { makeIncident } from '../../support/factories.ts';
import { adminPost, removeDir, ROOT, runCli, startServer } from '../../support/server.ts';

const TOKEN = 'backup-drill-admin-token-0123456789';
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-backup-'));
  dirs.push(dir);
  return dir;
};
/** The settings `startServer` gives a Herald in `dir`, for the tools run beside it. */
const envFor = (dir: string) => ({ ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, SNAPSHOT_DIR: join(dir, 'snapshot'), HERALD_DEMO: 'false' });

/** Runs a CLI to its end without blocking the event loop (the server's writer keeps going meanwhile). */
function run(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'api', 'cli', `${tool}.ts`), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('exit', (status) => resolve({ status, output }));
  });
}

describe('the restore drill', () => {
  it('backs up while writes flow, restores a sound copy holding every write acknowledged before, and a Herald on it serves them', async () => {
    const live = newDir();
    const server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN }, live);
    const acknowledged: { ref: string; at: number }[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const res = await fetch(`${server.url}/api/admin/incidents`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(makeIncident({ title: `Drill write ${i}` })),
        });
        expect(res.status).toBe(201);
        acknowledged.push({ ref: (await res.json()).ref, at: Date.now() });
      }
    })();
    const backupFile = join(newDir(), 'nested', 'herald-backup.db');
    let backup: { status: number | null; output: string };
    let before: string[];
    try {
      while (acknowledged.length < 5) await new Promise((r) => setTimeout(r, 20));
      const writesBefore = acknowledged.length;
      before = acknowledged.map((a) => a.ref);
      backup = await run('backup', ['--out', backupFile], envFor(live));
      // Writes went on during the backup, and after it.
      const after = acknowledged.length;
      while (acknowledged.length < after + 2) await new Promise((r) => setTimeout(r, 20));
      expect(after).toBeGreaterThan(writesBefore);
    } finally {
      writing = false;
      await writer;
    }
    expect(backup.status, backup.output).toBe(0);
    expect(backup.output).toMatch(/\[Backup\] Wrote .*herald-backup\.db \(\d+ bytes; integrity ok; incidents \d+/);
    expect(readdirSync(join(backupFile, '..'))).toEqual(['herald-backup.db']);

    // Restoring over the database of a running Herald is refused, and changes nothing.
    const refused = await run('restore', [backupFile], envFor(live));
    expect(refused.status).toBe(1);
    expect(refused.output).toMatch(/A running Herald \(pid \d+ .*stop it first/);
    expect(readdirSync(live).filter((f) => f.includes('before-restore'))).toEqual([]);
    expect(await server.stop()).toBe(0);

    const restoredDir = newDir();
    const restored = await run('restore', [backupFile], envFor(restoredDir));
    expect(restored.status, restored.output).toBe(0);
    const db = await openDb({ url: `file:${join(restoredDir, 'herald.db')}` });
    try {
      expect((await db.execute('PRAGMA integrity_check')).rows.map((r) => Object.values(r)[0])).toEqual(['ok']);
      const titles = new Set((await db.execute('SELECT id FROM incidents')).rows.map((r) => `INC-${r.id}`));
      expect(before!.filter((ref) => !titles.has(ref))).toEqual([]);
    } finally {
      db.close();
    }

    const again = await startServer({ HERALD_ADMIN_TOKEN: TOKEN }, restoredDir);
    try {
      for (const ref of before!) {
        const page = await fetch(`${again.url}/incidents/${ref}`);
        expect(page.status, ref).toBe(200);
      }
      const listed = await (await fetch(`${again.url}/api/admin/incidents?state=all`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
      expect(JSON.stringify(listed)).toContain(before![0]);
    } finally {
      await again.stop();
    }
  });

  it('keeps the database it replaces, and restores over a stopped Herald’s database', async () => {
    const dir = newDir();
    const server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN }, dir);
    await server.stop();
    const backupFile = join(newDir(), 'b.db');
    expect(spawnSync(process.execPath, [join(ROOT, 'api', 'cli', 'backup.ts'), '--out', backupFile], { cwd: ROOT, env: envFor(dir) }).status).toBe(0);
    // A second backup to the same name is refused: a backup never overwrites one.
    const twice = spawnSync(process.execPath, [join(ROOT, 'api', 'cli', 'backup.ts'), '--out', backupFile], { cwd: ROOT, env: envFor(dir), encoding: 'utf8' });
    expect([twice.status, twice.stderr]).toEqual([1, expect.stringContaining('exists; choose a new file name')]);
    const restored = await run('restore', [backupFile], envFor(dir));
    expect(restored.status, restored.output).toBe(0);
    expect(restored.output).toMatch(/kept as .*herald\.db\.before-restore-/);
    expect(readdirSync(dir).some((f) => /^herald\.db\.before-restore-[\dT-]+Z$/.test(f))).toBe(true);
    expect(existsSync(join(dir, 'herald.db'))).toBe(true);
  });

  it('refuses a file that is not a database, and a remote libSQL URL', async () => {
    const dir = newDir();
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not a database at all');
    const bad = await run('restore', [junk], envFor(dir));
    expect([bad.status, bad.output]).toEqual([1, expect.stringContaining('nothing was changed')]);
    expect(existsSync(join(dir, 'herald.db'))).toBe(false);
    const remote = await run('backup', ['--out', join(dir, 'x.db')], {
      ...process.env,
      DATABASE_URL: 'libsql://status-db.example.com',
      DATABASE_AUTH_TOKEN: 'secret-remote-token-123',
    });
    expect([remote.status, remote.output]).toEqual([1, expect.stringContaining('keeps its own backups')]);
    expect(remote.output).not.toContain('secret-remote-token-123');
  });

  it('republishes from the restored data: a draft in the backup is no longer public, and a later incident is gone', async () => {
    const dir = newDir();
    const intake = (runCli(envFor(dir), 'token.ts', 'create', 'prometheus', '--role', 'intake').stdout.trim().split('\n').at(-1) as string).trim();
    const server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN }, dir);
    const backupFile = join(newDir(), 'with-draft.db');
    let later: string;
    try {
      const alert = await fetch(`${server.url}/api/intake/alertmanager`, {
        method: 'POST',
        headers: { authorization: `Bearer ${intake}`, 'content-type': 'application/json' },
        body: JSON.stringify(alertmanagerSample()),
      });
      expect(await alert.json()).toMatchObject({ incident: 'INC-1', opened: true });
      expect((await fetch(`${server.url}/incidents/INC-1`)).status).toBe(404);
      const backup = await run('backup', ['--out', backupFile], envFor(dir));
      expect(backup.status, backup.output).toBe(0);
      // After the backup: the draft is published, and another incident declared.
      await adminPost(server.url, TOKEN, '/api/admin/incidents/INC-1/publish', { status: 'investigating', message: 'We are looking into failed probes.' });
      later = (await adminPost(server.url, TOKEN, '/api/admin/incidents', makeIncident({ title: 'Declared after the backup' }))).ref;
      expect((await fetch(`${server.url}/incidents/INC-1`)).status).toBe(200);
      expect((await fetch(`${server.url}/incidents/${later}`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }

    const restored = await run('restore', [backupFile], envFor(dir));
    expect(restored.status, restored.output).toBe(0);
    const again = await startServer({ HERALD_ADMIN_TOKEN: TOKEN }, dir);
    try {
      expect((await fetch(`${again.url}/incidents/INC-1`)).status).toBe(404);
      expect((await fetch(`${again.url}/incidents/${later!}`)).status).toBe(404);
      const home = await (await fetch(`${again.url}/`)).text();
      expect(home).not.toContain('Declared after the backup');
      expect(JSON.stringify(await (await fetch(`${again.url}/api/v2/incidents.json`)).json())).not.toContain('INC-1');
      // The draft is still there to publish, as it was when the backup was taken.
      const drafts = await (await fetch(`${again.url}/api/admin/incidents?state=draft`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
      expect(drafts.incidents.map((i: { ref: string }) => i.ref)).toEqual(['INC-1']);
      expect(restored.output).toContain('[Restore] Removed the site published from the database it replaced');
    } finally {
      await again.stop();
    }
  });
});
