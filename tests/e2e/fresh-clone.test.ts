import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/sinks.ts';
import { removeDir, ROOT } from '../support/server.ts';

/**
 * What the README's first command and the Dockerfile run — `npm ci`, `npm run build`, the
 * server on an embedded database with demo content — in a fresh clone of what is committed,
 * so a missing file or install step fails here rather than on an operator's machine.
 */
const dir = mkdtempSync(join(tmpdir(), 'herald-clone-'));
afterAll(() => removeDir(dir));

describe('a fresh clone', () => {
  it("installs, builds and serves the demo status page with the README's commands", async () => {
    const checkout = join(dir, 'herald');
    execFileSync('git', ['clone', '--quiet', ROOT, checkout]);
    const npm = (...args: string[]) => execFileSync('npm', args, { cwd: checkout, stdio: 'pipe', env: { ...process.env, CI: 'true' } });
    npm('ci', '--no-audit', '--no-fund', '--prefer-offline');
    npm('run', 'build');
    const server = spawn(join(checkout, 'node_modules', '.bin', 'node'), ['build/api/server.js'], {
      cwd: checkout,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_FORMAT: 'pretty',
        DATABASE_URL: `file:${join(dir, 'herald.db')}`,
        SNAPSHOT_DIR: join(dir, 'snapshot'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout.on('data', (d) => (output += d));
    server.stderr.on('data', (d) => (output += d));
    try {
      const url = await eventually(() => /Ready at (http:\/\/\S+)/.exec(output)?.[1], `the server to say it is ready:\n${output}`, 60_000, 100);
      const home = await fetch(`${url}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toMatch(/<h2[^>]*>[^<]*(incident|Incident)/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await (await fetch(`${url}/api/v2/summary.json`)).json()).incidents.length).toBeGreaterThan(0);
    } finally {
      server.kill('SIGTERM');
    }
  }, 300_000);
});
