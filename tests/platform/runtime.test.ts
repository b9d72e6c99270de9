/**
 * Which Node Herald runs on (api/platform/runtime.ts): package.json's engines field, checked at
 * start, so a Node that cannot run it stops with a line naming the one it needs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeProblem, nodeSatisfies, requiredNode } from '../../api/platform/runtime.ts';
import { removeDir, SERVER_ENTRY } from '../support/server.ts';

const ENGINES = requiredNode();

describe('the Node versions Herald declares', () => {
  // What the code needs: import.meta.main (24.2.0, backported to 22.18.0), which the server's
  // entry relies on, and type stripping without a flag for the command-line tools (22.18.0).
  it.each([
    ['20.20.2', false],
    ['22.12.0', false],
    ['22.17.1', false],
    ['22.18.0', true],
    ['22.21.0', true],
    ['23.11.0', false],
    ['24.1.0', false],
    ['24.2.0', true],
    ['24.21.0', true],
    ['26.0.0', true],
  ] as const)('Node %s: can run Herald %s', (version, ok) => {
    expect(nodeSatisfies(version, ENGINES)).toBe(ok);
    expect(nodeProblem(version, ENGINES) === null).toBe(ok);
  });

  it('is met by the Node the project pins (node_modules/.bin/node)', () => {
    expect(nodeProblem(process.versions.node, ENGINES)).toBeNull();
  });
});

/** The first `node` on the machine outside node_modules that cannot run Herald (the machine's Node 20), if any. */
function olderNode(): string | null {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (version && !nodeSatisfies(version, ENGINES)) return candidate;
  }
  return null;
}
const older = olderNode();

describe.runIf(older !== null && existsSync(SERVER_ENTRY))('node build/api/server.js on a Node that cannot run Herald', () => {
  it('exits 1 at once, saying which Node it needs and how to start it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-old-node-'));
    try {
      const run = spawnSync(older as string, [SERVER_ENTRY], {
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATABASE_URL: `file:${join(dir, 'herald.db')}`, SNAPSHOT_DIR: join(dir, 'snapshot') },
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`it needs Node ${ENGINES.replace(' || ', ' or ')}`);
      expect(run.stderr).toContain('npm start');
      // Nothing was started: no database made.
      expect(existsSync(join(dir, 'herald.db'))).toBe(false);
    } finally {
      removeDir(dir);
    }
  });
});
