import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAstroRenderer } from '../../api/site/astro-renderer.ts';
import type { PageRenderer } from '../../api/site/publisher.ts';
import { allSiteFiles, fileOfPath, mirrorFilesOf } from '../../api/site/mirror-publishes.ts';
import { Snapshot } from '../../api/site/snapshot.ts';
import { makeTestApp, PUBLIC_URL } from '../support/app.ts';
import { makeIncident } from '../support/factories.ts';
import { removeDir, ROOT } from '../support/server.ts';

const base = mkdtempSync(join(tmpdir(), 'herald-mirror-site-'));
let renderPage: PageRenderer;
beforeAll(async () => {
  renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
});
afterAll(() => removeDir(base));
let count = 0;

/** A Herald publishing to a directory, its mirror command noting each run's file list in a log. */
async function heraldWithMirror(command: (log: string) => string) {
  const dir = join(base, `case-${++count}`);
  const log = join(dir, 'runs.log');
  mkdirSync(dir);
  const app = await makeTestApp({ env: { MIRROR_COMMAND: command(log) }, snapshot: new Snapshot(join(dir, 'snapshot')), renderPage });
  const mirror = app.herald.mirror;
  if (!mirror) throw new Error('MIRROR_COMMAND set, and no mirror');
  const stop = mirror.start();
  const runs = () =>
    readFileSync(log, 'utf8')
      .split('---\n')
      .filter(Boolean)
      .map((run) => run.trim().split('\n').filter(Boolean));
  return { ...app, mirror, stop, runs, dir: join(dir, 'snapshot') };
}

const noting = (log: string) => `sh -c 'cat "$HERALD_MIRROR_FILES" >> ${log}; echo --- >> ${log}'`;

describe('the mirror of the published site', () => {
  it('names the file each published path is written to', () => {
    expect(['/', '/incidents/INC-4', '/feed.xml', '/api/v2/summary.json', '/history/2026/03'].map(fileOfPath)).toEqual([
      'index.html',
      'incidents/INC-4/index.html',
      'feed.xml',
      'api/v2/summary.json',
      'history/2026/03/index.html',
    ]);
  });

  it("is given each publish's changed files with their compressed copies, and the whole site after a start", async () => {
    const herald = await heraldWithMirror(noting);
    try {
      await herald.mirror.idle();
      const first = herald.runs()[0] ?? [];
      for (const file of ['index.html', 'index.html.br', 'index.html.gz', 'feed.xml', 'api/v2/summary.json']) expect(first).toContain(file);
      const before = herald.runs().length;
      const created = await herald.call('POST', '/api/admin/incidents', makeIncident({ title: 'Mirrored write' }));
      expect(created.status).toBe(201);
      await herald.mirror.idle();
      const run = herald.runs().slice(before).flat();
      for (const file of [
        `incidents/${created.json.ref}/index.html`,
        `incidents/${created.json.ref}/index.html.br`,
        `incidents/${created.json.ref}/index.html.gz`,
        'index.html',
        'api/v2/incidents.json',
      ]) {
        expect(run).toContain(file);
      }
      // Only what changed: the archive's other pages stay where they are.
      expect(run.filter((file) => file.startsWith('incidents/') && !file.includes(created.json.ref))).toEqual([]);
      // A start publishes what changed and hands the mirror the whole site afterwards.
      const beforeResume = herald.runs().length;
      await herald.publisher.resume();
      // The whole pass is queued once the publisher has nothing left to render, after resume() resolved.
      const deadline = Date.now() + 10_000;
      const site = allSiteFiles(herald.dir);
      while (new Set(herald.runs().slice(beforeResume).flat()).size < site.length && Date.now() < deadline) {
        await herald.mirror.idle();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const whole = herald.runs().slice(beforeResume).flat();
      expect(new Set(whole)).toEqual(new Set(site));
      expect(whole).not.toContain('.publish.json');
      expect(allSiteFiles(herald.dir)).toEqual(expect.arrayContaining(mirrorFilesOf(herald.dir, ['/', `/incidents/${created.json.ref}`])));
    } finally {
      await herald.stop();
    }
  });

  it('turns /healthz red once the mirror has failed for longer than MIRROR_MAX_LAG_SECONDS, and shows its lag in /metrics', async () => {
    const herald = await heraldWithMirror((log) => {
      // The remote's place is taken by a file: every copy fails.
      writeFileSync(join(log, '..', 'remote'), 'not a directory');
      return `rclone copy --files-from {files} {dir} ${join(log, '..', 'remote', 'site')}`;
    });
    try {
      const deadline = Date.now() + 15_000;
      while (herald.mirror.status().consecutiveFailures === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const early = await herald.call('GET', '/healthz', undefined, null);
      expect(early.status).toBe(200);
      expect(early.json).toMatchObject({ status: 'ok', mirror: { state: 'failing', consecutiveFailures: 1 } });
      expect(early.json.mirror.lastError).toContain('not a directory');
      // Two minutes on (the default MIRROR_MAX_LAG_SECONDS), still failing: readers of the mirror see a stale page.
      herald.clock.advance(121_000);
      const late = await herald.call('GET', '/healthz', undefined, null);
      expect(late.status).toBe(503);
      expect(late.json).toMatchObject({ status: 'degraded', database: 'ok', mirror: { state: 'failing' } });
      expect(late.json.mirror.lagSeconds).toBeGreaterThanOrEqual(121);
      const metrics = (await herald.app.request('/metrics')).text();
      expect(await metrics).toMatch(/^herald_mirror_lag_seconds 12\d(\.\d+)?$/m);
      expect(await metrics).toMatch(/^herald_mirror_failures_total [1-9]/m);
    } finally {
      await herald.stop();
    }
  });
});
