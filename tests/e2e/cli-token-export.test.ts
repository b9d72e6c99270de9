import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../api/features/audit/store.ts';
import { openDb } from '../../api/platform/db/client.ts';
import { removeDir, ROOT, startServer } from '../support/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'false' };
const cli = (script: string, ...args: string[]) =>
  execFileSync(process.execPath, [join(ROOT, 'api', 'cli', script), ...args], { cwd: ROOT, env, encoding: 'utf8' });

afterAll(() => removeDir(dir));

describe('npm run token', () => {
  it('prints a token once that the server then accepts, until it is revoked', async () => {
    const out = cli('token.ts', 'create', 'deploy-bot');
    const token = /hrld_[A-Za-z0-9_-]+/.exec(out)?.[0];
    expect(token).toBeDefined();
    const server = await startServer({}, dir);
    try {
      const list = await fetch(`${server.url}/api/admin/incidents`, { headers: { authorization: `Bearer ${token}` } });
      expect(list.status).toBe(200);
      cli('token.ts', 'revoke', '1');
      const after = await fetch(`${server.url}/api/admin/incidents`, { headers: { authorization: `Bearer ${token}` } });
      expect(after.status).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it('explains its usage on a bad call', () => {
    expect(() => cli('token.ts', 'create')).toThrow(/Usage: npm run token/);
  });

  it('makes a token of the role asked for, printed alone on the last line, and audits it as made at the terminal', async () => {
    const out = cli('token.ts', 'create', 'support-desk', '--role', 'support').trim().split('\n');
    expect(out.at(-1)).toMatch(/^hrld_[A-Za-z0-9_-]+$/);
    const db = await openDb({ url: env.DATABASE_URL });
    try {
      const [entry] = await listAudit(db, { entity: 'token' });
      expect(entry).toMatchObject({
        action: 'token.create',
        actor: expect.stringMatching(/^cli:token \(.+\)$/),
        after: { name: 'support-desk', role: 'support' },
      });
      const { rows } = await db.execute("SELECT role FROM api_tokens WHERE name = 'support-desk'");
      expect(rows[0]?.role).toBe('support');
    } finally {
      db.close();
    }
  });
});

describe('npm run export', () => {
  it('writes the whole site for a static host', () => {
    const out = join(dir, 'site');
    cli('export.ts', '--out', out);
    for (const file of ['index.html', 'history/index.html', 'feed.xml', 'api/v2/summary.json', 'services/api/index.html', 'favicon.svg', '404.html']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(out, 'api/v2/summary.json'), 'utf8')).page.name).toBe('Example Cloud');
  });
});
