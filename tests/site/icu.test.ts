/**
 * Rendering the site never wakes ICU (see astro-patches.mjs and api/shared/calendar.ts): the
 * first locale-aware call in a process keeps 7–12 MB of Node's binary resident for good.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PATCHES, patch } from '../../astro-patches.mjs';
import { removeDir, ROOT, startServer, type RunningServer } from '../support/server.ts';

const SPY = join(ROOT, 'tests', 'fixtures', 'icu-spy.mjs');

describe('ICU stays asleep', () => {
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dir);
  });

  it('the spy sees a locale-aware call (so the check below could fail)', () => {
    const run = spawnSync(process.execPath, ['--import', SPY, '-e', "new Intl.DateTimeFormat('fr'); 'a'.localeCompare('b')"], { encoding: 'utf8' });
    expect(run.stderr).toContain('ICU woken by Intl.DateTimeFormat');
    expect(run.stderr).toContain('ICU woken by localeCompare');
  });

  it('while Herald starts, renders the English demo site and serves it', async () => {
    server = await startServer({ HERALD_DEMO: 'true' }, undefined, { waitFor: 'ready', nodeArgs: ['--import', SPY] });
    for (const path of ['/', '/history', '/feed.xml', '/api/v2/status.json']) expect((await fetch(new URL(path, server.url))).status).toBe(200);
    expect(server.output()).not.toContain('ICU woken');
  });
});

describe("Astro's router, ordering static text by code units", () => {
  /** Herald's routes as the built renderer carries them (its manifest, inside a server chunk). */
  type Route = { route: string; pattern: string; segments: unknown[]; type: string };
  function builtRoutes(): Route[] {
    const dir = join(ROOT, 'dist', 'server', 'chunks');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      const start = text.indexOf('"routes":[');
      if (start >= 0) return (JSON.parse(balanced(text, start + '"routes":'.length)) as { routeData: Route }[]).map((r) => r.routeData);
    }
    throw new Error('no manifest in dist/server/chunks: run npm run build');
  }

  /** The JSON array starting at `from`, up to its closing bracket. */
  function balanced(text: string, from: number): string {
    let depth = 0;
    let inString = false;
    for (let i = from; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') if (--depth === 0) return text.slice(from, i + 1);
    }
    throw new Error('unbalanced manifest');
  }

  it("sends every URL of Herald's to the route Astro's own order sends it to", async () => {
    const source = join(ROOT, 'node_modules', 'astro', 'dist', 'core', 'routing', 'priority.js');
    const original = (await import(pathToFileURL(source).href)) as { routeComparator: (a: unknown, b: unknown) => number };
    const dir = mkdtempSync(join(tmpdir(), 'herald-routes-'));
    try {
      const patchedFile = join(dir, 'priority.mjs');
      writeFileSync(patchedFile, patch(readFileSync(source, 'utf8'), source));
      const patched = (await import(pathToFileURL(patchedFile).href)) as typeof original;
      const routes = builtRoutes();
      expect(routes.length).toBeGreaterThan(20);
      // Code units and the locale order static text differently ("/404" and "/_image" swap), but
      // two routes that differ in static text never match the same URL: what must not change
      // is which route each URL reaches first.
      const urls = [
        ...routes.map((r) => r.route.replace(/\[\.\.\.\w+\]/g, '2026/11').replace(/\[\w+\]/g, 'x-1')),
        ...['/history/2026/11/2', '/history/2026', '/services/api/history/2026/11/3', '/admin/', '/incidents/INC-1', '/nowhere'],
      ];
      const firstMatch = (compare: (a: unknown, b: unknown) => number) => {
        const ordered = [...routes].sort(compare);
        return urls.map((url) => `${url} → ${ordered.find((r) => new RegExp(r.pattern).test(url))?.route ?? 'none'}`);
      };
      const reached = firstMatch(original.routeComparator);
      expect(reached).toContain('/incidents/x-1 → /incidents/[ref]');
      expect(firstMatch(patched.routeComparator)).toEqual(reached);
      expect(readFileSync(patchedFile, 'utf8')).not.toContain('localeCompare');
    } finally {
      removeDir(dir);
    }
  });

  it('names the exact text each patch replaces', () => {
    expect(PATCHES.length).toBe(3);
    expect(() => patch('nothing to see', '/x/node_modules/astro/dist/core/routing/priority.js')).toThrow(/no longer contains/);
  });
});
