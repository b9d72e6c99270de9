import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listAudit } from '../../api/features/audit/store.ts';
import { openDb } from '../../api/platform/db/client.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, ROOT, startServer } from '../support/server.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-user-'));
  dirs.push(dir);
  return dir;
};
const cli = (dir: string, args: string[], input?: string) =>
  spawnSync(process.execPath, [join(ROOT, 'api', 'cli', 'user.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'false' },
    encoding: 'utf8',
    input,
  });

/** Signs in with a form post, as the sign-in page would; returns the status. */
const signIn = async (url: string, email: string, password: string) => {
  const res = await fetch(`${url}/admin/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }),
  });
  return res.status;
};

describe('npm run user', () => {
  it('creates a user from --password, or from piped input, and refuses a duplicate, a short password or no role', async () => {
    const dir = newDir();
    expect(cli(dir, ['create', 'Lead@Example.test', '--role', 'admin', '--password', 'a long admin password'])).toMatchObject({ status: 0 });
    expect(cli(dir, ['create', 'piped@example.test', '--role', 'comms'], 'a long piped password\n')).toMatchObject({ status: 0 });
    const dup = cli(dir, ['create', 'lead@example.test', '--role', 'comms', '--password', 'another long password']);
    expect(dup.status).toBe(1);
    expect(dup.stderr).toContain('lead@example.test exists already');
    expect(cli(dir, ['create', 'short@example.test', '--role', 'comms', '--password', 'short']).stderr).toContain('at least 12 characters');
    expect(cli(dir, ['create', 'norole@example.test', '--password', 'a long enough password']).status).toBe(2);
    expect(cli(dir, ['list']).stdout).toMatch(/lead@example\.test\tadmin[\s\S]*piped@example\.test\tcomms/);
    const db = await openDb({ url: `file:${join(dir, 'herald.db')}` });
    const created = (await listAudit(db, { entity: 'user' })).map((e) => [e.action, e.ref, e.actor.replace(/ \(.*\)$/, '')]);
    db.close();
    expect(created).toEqual([
      ['user.create', 'piped@example.test', 'cli:user'],
      ['user.create', 'lead@example.test', 'cli:user'],
    ]);

    const server = await startServer({}, dir);
    try {
      expect(await signIn(server.url, 'lead@example.test', 'a long admin password')).toBe(303);
      expect(await signIn(server.url, 'piped@example.test', 'a long piped password')).toBe(303);
      expect(cli(dir, ['password', 'piped@example.test', '--password', 'a changed long password']).status).toBe(0);
      expect(await signIn(server.url, 'piped@example.test', 'a long piped password')).toBe(401);
      expect(await signIn(server.url, 'piped@example.test', 'a changed long password')).toBe(303);
    } finally {
      await server.stop();
    }
  });
});

describe('the demo admin', () => {
  it('is created and printed only by the start that made the database, on a terminal', async () => {
    const dir = newDir();
    const first = await startServer({ HERALD_DEMO: 'true', LOG_FORMAT: 'pretty' }, dir);
    let password = '';
    try {
      const line = /demo admin admin@example\.com with password (\S+) /.exec(first.output());
      expect(line, first.output()).not.toBeNull();
      password = line?.[1] as string;
      expect(await signIn(first.url, 'admin@example.com', password)).toBe(303);
    } finally {
      await first.stop();
    }
    const second = await startServer({ HERALD_DEMO: 'true', LOG_FORMAT: 'pretty' }, dir);
    try {
      expect(second.output()).not.toContain('demo admin');
      expect(second.output()).not.toContain(password);
      expect(await signIn(second.url, 'admin@example.com', password)).toBe(303);
    } finally {
      await second.stop();
    }
  });

  it('is not created without the demo', async () => {
    const dir = newDir();
    const server = await startServer({ HERALD_DEMO: 'false' }, dir);
    try {
      expect(server.output()).not.toContain('demo admin');
    } finally {
      await server.stop();
    }
    expect(cli(dir, ['list']).stdout.trim()).toBe('');
  });
});
