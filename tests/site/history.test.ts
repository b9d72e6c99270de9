/**
 * Years of history on the real server: every incident keeps its permalink after a restart on
 * an empty snapshot and in every export, history is paged by month, feeds stay bounded.
 * The database is filled by `npm run seed` (the same commands the API uses).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, ROOT, startServer, type RunningServer } from '../support/server.ts';

const INCIDENTS = 1_100;
const dir = mkdtempSync(join(tmpdir(), 'herald-history-'));
const env = (db: string) => ({ ...process.env, DATABASE_URL: `file:${join(dir, db)}`, HERALD_DEMO: 'false' });
const cli = (db: string, script: string, ...args: string[]) =>
  execFileSync(process.execPath, [join(ROOT, 'api', 'cli', script), ...args], { cwd: ROOT, env: env(db), encoding: 'utf8', timeout: 120_000 });

/** Resolves once the server has logged `pattern` (its own word that the background work is done). */
async function logged(server: RunningServer, pattern: RegExp): Promise<void> {
  while (!pattern.test(server.output())) {
    if (server.process.exitCode !== null) throw new Error(`server exited:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const EVERY_PAGE = /Every page is published/;
/** Links are made from PUBLIC_URL: a snapshot made for another address is rendered again, so keep one. */
const PUBLIC_URL = 'https://status.example.test';
const get = async (server: RunningServer, path: string) => {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, html: await response.text() };
};
const links = (html: string, pattern: RegExp) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1] as string).filter((href) => pattern.test(href));

let server: RunningServer;
beforeAll(async () => {
  cli('years.db', 'seed.ts', '--incidents', String(INCIDENTS), '--services', '30');
  server = await startServer({ DATABASE_URL: `file:${join(dir, 'years.db')}`, SNAPSHOT_DIR: join(dir, 'snapshot-1'), PUBLIC_URL }, dir);
  await logged(server, EVERY_PAGE);
}, 180_000);
afterAll(async () => {
  await server?.stop();
  removeDir(dir);
});

describe(`a site with ${INCIDENTS} incidents over two years`, () => {
  it('answers every incident’s permalink after a start on an empty snapshot directory', async () => {
    for (const id of [1, 2, 550, INCIDENTS - 1, INCIDENTS]) {
      const page = await get(server, `/incidents/INC-${id}`);
      expect(page.status, `INC-${id}`).toBe(200);
      expect(page.html).toContain(`Reference <strong>INC-${id}</strong>`);
    }
    const files = readdirSync(join(dir, 'snapshot-1', 'incidents'));
    expect(files.length).toBe(INCIDENTS);
  });

  it('publishes the home page before the rest and says so in the log', () => {
    const output = server.output();
    expect(output).toMatch(/Live pages published in \d+ ms; rendering every other page in the background/);
    expect(output.indexOf('Ready at')).toBeLessThan(output.search(EVERY_PAGE));
  });

  it('keeps every permalink after a restart on a new, empty snapshot directory', async () => {
    const again = await startServer({ DATABASE_URL: `file:${join(dir, 'years.db')}`, SNAPSHOT_DIR: join(dir, 'snapshot-2'), PUBLIC_URL }, dir);
    try {
      await logged(again, EVERY_PAGE);
      expect((await get(again, '/incidents/INC-1')).status).toBe(200);
      expect(readdirSync(join(dir, 'snapshot-2', 'incidents')).length).toBe(INCIDENTS);
    } finally {
      await again.stop();
    }
  });

  it('answers a permalink and a month the background rendering has not reached yet, and 404 for what does not exist', async () => {
    const fresh = await startServer({ DATABASE_URL: `file:${join(dir, 'years.db')}`, SNAPSHOT_DIR: join(dir, 'snapshot-3'), PUBLIC_URL }, dir);
    try {
      // The archive goes newest first, 200 incidents a batch, then the months: INC-1 and the oldest month come last.
      const oldestMonth = links((await get(fresh, '/history')).html, /^\/history\/\d{4}\/\d{2}$/).sort()[0] as string;
      const [first, month, missing] = await Promise.all([
        get(fresh, '/incidents/INC-1'),
        get(fresh, oldestMonth),
        get(fresh, `/incidents/INC-${INCIDENTS + 50}`),
      ]);
      expect(fresh.output()).not.toMatch(EVERY_PAGE);
      expect(first.status).toBe(200);
      expect(first.html).toContain('Reference <strong>INC-1</strong>');
      expect(month.status).toBe(200);
      expect(month.html).toContain('href="/incidents/INC-1"');
      expect(missing.status).toBe(404);
    } finally {
      await fresh.stop();
    }
  });

  it('catches a restarted snapshot up from the publish log instead of rendering everything again', async () => {
    await server.stop();
    server = await startServer({ DATABASE_URL: `file:${join(dir, 'years.db')}`, SNAPSHOT_DIR: join(dir, 'snapshot-1'), PUBLIC_URL }, dir);
    expect(server.output()).toContain('Serving the last published snapshot');
    expect(server.output()).not.toMatch(/rendering every other page in the background/);
    expect((await get(server, '/incidents/INC-1')).status).toBe(200);
  });

  it('shows recent incidents on /history and links every month, each page under 100 KB', async () => {
    const history = await get(server, '/history');
    expect(history.html.length).toBeLessThan(100_000);
    const months = [...new Set(links(history.html, /^\/history\/\d{4}\/\d{2}$/))];
    expect(months.length).toBeGreaterThanOrEqual(24);
    let listed = 0;
    for (const month of months) {
      const page = await get(server, month);
      expect(page.status, month).toBe(200);
      expect(page.html.length, month).toBeLessThan(100_000);
      listed += new Set(links(page.html, /^\/incidents\/INC-\d+$/)).size;
    }
    expect(listed).toBe(INCIDENTS);
  });

  it('pages each service’s past incidents by month', async () => {
    const service = await get(server, '/services/api');
    const months = [...new Set(links(service.html, /^\/services\/api\/history\/\d{4}\/\d{2}$/))];
    expect(months.length).toBeGreaterThan(1);
    const first = await get(server, months[0] as string);
    expect(first.status).toBe(200);
    expect(first.html).toContain('Public API: incidents in');
    expect(links(first.html, /^\/incidents\/INC-\d+$/).length).toBeGreaterThan(0);
  });

  it('keeps 50 items in the site feed and in a service feed, RSS and Atom alike', async () => {
    const parser = new Parser();
    expect((await parser.parseString((await get(server, '/feed.xml')).html)).items).toHaveLength(50);
    expect((await parser.parseString((await get(server, '/services/api/feed.xml')).html)).items).toHaveLength(50);
    expect((await parser.parseString((await get(server, '/feed.atom')).html)).items).toHaveLength(50);
    expect((await parser.parseString((await get(server, '/services/api/feed.atom')).html)).items).toHaveLength(50);
  });

  // Last: the export blocks this process for seconds, and the server closes idle keep-alive connections meanwhile.
  it('exports a page for every incident ever made', () => {
    const out = join(dir, 'export');
    cli('years.db', 'export.ts', '--out', out);
    expect(readdirSync(join(out, 'incidents')).length).toBe(INCIDENTS);
    for (const file of ['incidents/INC-1/index.html', 'incidents/INC-1/index.html.br', 'history/index.html', 'index.html', '404.html']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    rmSync(out, { recursive: true, force: true });
  });
});

describe('a month with more incidents than a page holds', () => {
  it('splits the month into pages that link to each other and list each incident once', async () => {
    cli('busy.db', 'seed.ts', '--incidents', '260', '--services', '10', '--days', '0', '--open', '0');
    const busy = await startServer({ DATABASE_URL: `file:${join(dir, 'busy.db')}`, SNAPSHOT_DIR: join(dir, 'snapshot-busy'), PUBLIC_URL }, dir);
    try {
      await logged(busy, EVERY_PAGE);
      const month = links((await get(busy, '/history')).html, /^\/history\/\d{4}\/\d{2}$/)[0] as string;
      const first = await get(busy, month);
      const pages = [...new Set(links(first.html, new RegExp(`^${month}(/\\d+)?$`)))];
      expect(pages.sort()).toEqual([`${month}/2`, `${month}/3`]);
      const seen = new Set<string>();
      for (const path of [month, ...pages]) {
        const page = await get(busy, path);
        const refs = new Set(links(page.html, /^\/incidents\/INC-\d+$/));
        expect(refs.size, path).toBeLessThanOrEqual(100);
        for (const ref of refs) seen.add(ref);
      }
      expect(seen.size).toBe(260);
    } finally {
      await busy.stop();
    }
  });
});
