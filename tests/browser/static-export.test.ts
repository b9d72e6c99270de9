/**
 * The static copy (`npm run export`) on plain static hosts — `python3 -m http.server` and nginx
 * with no Herald behind it — is whole: a crawl finds no broken link, the search works in
 * Chromium on its prebuilt index, the short links lead to their incidents, and the subscribe
 * form signs up with the live Herald.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, expectAccessible, launchBrowser } from '../support/browser.ts';
import { makeIncident } from '../support/factories.ts';
import { freePort, nginxMissing, startNginx, type RunningNginx } from '../support/nginx.ts';
import { adminPost, removeDir, runCli, startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'static-export-admin-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'herald-static-'));
const site = join(dir, 'site');

let herald: RunningServer;
let python: ChildProcess;
let staticUrl: string;
let nginx: RunningNginx | undefined;
let browser: Browser;
const refs: Record<string, string> = {};
const titles: Record<string, string> = {};

async function waitUntilAnswers(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (
    // Every body is read to its end: an unread body on a connection the server closes trips undici.
    !(await fetch(url).then(
      async (r) => (await r.arrayBuffer(), r.ok),
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error(`${url} did not answer within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  herald = await startServer({ HERALD_ADMIN_TOKEN: TOKEN }, dir);
  const incidents = {
    cache: makeIncident({
      title: 'Stale dashboards after a cache kerfuffle',
      message: 'Dashboards show numbers from an hour ago; a cache kerfuffle.',
      severity: 'P2',
      services: [{ slug: 'api', status: 'degraded_performance' }],
    }),
    login: makeIncident({
      title: 'Sign-in loops for some users',
      message: 'Some users are sent back to the sign-in page.',
      severity: 'P1',
      services: [{ slug: 'auth', status: 'partial_outage' }],
    }),
    invoices: makeIncident({
      title: 'Invoices delayed',
      message: 'Invoice mails go out late.',
      severity: 'P3',
      services: [{ slug: 'billing', status: 'degraded_performance' }],
    }),
  };
  for (const [name, incident] of Object.entries(incidents)) {
    const { ref } = await adminPost(herald.url, TOKEN, '/api/admin/incidents', incident);
    refs[name] = ref;
    titles[ref] = incident.title;
  }
  const port = await freePort();
  staticUrl = `http://127.0.0.1:${port}`;
  // Exported as it would be for a static host at staticUrl, with the live Herald taking sign-ups.
  const exported = runCli(
    { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, PUBLIC_URL: staticUrl, PUBLIC_API_URL: herald.url },
    'export.ts',
    '--out',
    site,
  );
  expect(exported.status, exported.stderr).toBe(0);
  expect(exported.stdout).toContain(`the subscribe form posts to ${herald.url}`);
  python = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', site], { stdio: 'ignore' });
  await waitUntilAnswers(`${staticUrl}/`);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  python?.kill();
  await nginx?.stop();
  await closeBrowserTest(browser, herald, dir);
});

/** Every link, script, stylesheet, image and GET form of a page, as absolute URLs without their fragment. */
function linksOf(html: string, base: string): string[] {
  const found = new Set<string>();
  for (const [, , value] of html.matchAll(/\s(href|src)="([^"]+)"/g)) found.add(value as string);
  for (const [form] of html.matchAll(/<form\b[^>]*>/g)) {
    const action = /action="([^"]*)"/.exec(form)?.[1];
    if (action !== undefined && !/method="post"/i.test(form)) found.add(action);
  }
  return [...found]
    .map((value) => new URL(value.replace(/&amp;/g, '&'), base))
    .filter((url) => url.protocol.startsWith('http'))
    .map((url) => ((url.hash = ''), url.href));
}

/** Follows every link of the site from its home page; @returns the pages reached and what answered other than 200. */
async function crawl(base: string): Promise<{ reached: number; broken: string[] }> {
  const origin = new URL(base).origin;
  const queue = [`${base}/`];
  const seen = new Set(queue);
  const broken: string[] = [];
  while (queue.length) {
    const url = queue.shift() as string;
    const res = await fetch(url);
    if (res.status !== 200) {
      await res.arrayBuffer();
      broken.push(`${url}: ${res.status}`);
      continue;
    }
    if (!(res.headers.get('content-type') ?? '').includes('text/html')) {
      await res.arrayBuffer();
      continue;
    }
    for (const link of linksOf(await res.text(), res.url)) {
      // Links to the live Herald or other sites are not the static copy's.
      if (new URL(link).origin !== origin || seen.has(link)) continue;
      seen.add(link);
      queue.push(link);
    }
  }
  return { reached: seen.size, broken };
}

describe('the static copy served by python3 -m http.server', () => {
  it('has no broken link, the search page, feeds, JSON and every incident included', async () => {
    const { reached, broken } = await crawl(staticUrl);
    expect(broken).toEqual([]);
    expect(reached).toBeGreaterThan(30);
    for (const path of ['/search', '/feed.xml', '/api/v2/summary.json', `/incidents/${refs.cache}`]) {
      const res = await fetch(`${staticUrl}${path}`);
      await res.arrayBuffer();
      expect(res.status, path).toBe(200);
    }
  });

  it('answers each short link /i/N with a page that goes to the incident', async () => {
    const page = await browser.newPage();
    for (const ref of Object.values(refs)) {
      await page.goto(`${staticUrl}/i/${ref.slice(4)}`);
      await page.waitForURL(`**/incidents/${ref}/`);
      expect(await page.locator('h1').textContent()).toBe(titles[ref]);
    }
    await page.close();
  });

  describe('search in Chromium', () => {
    const violations: string[] = [];
    let page: Page;
    beforeAll(async () => {
      page = await browser.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') violations.push(message.text());
      });
    });
    afterAll(() => page.close());

    const results = () => page.locator('#static-search-results li a');

    it('finds an incident by a word typed in the form, from the link on every page', async () => {
      await page.goto(`${staticUrl}/`);
      await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Search', exact: true }).click();
      await page.getByLabel('Words').fill('kerfuffle');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL('**/search/?q=kerfuffle**');
      await expect.poll(() => page.getByRole('heading', { name: '1 match' }).count(), { timeout: 10_000 }).toBe(1);
      expect(await results().allTextContents()).toEqual(['Stale dashboards after a cache kerfuffle']);
      expect(await results().first().getAttribute('href')).toBe(`/incidents/${refs.cache}`);
      // The form shows the search it ran.
      expect(await page.getByLabel('Words').inputValue()).toBe('kerfuffle');
      await expectAccessible(page);
    });

    it('finds an incident by its reference, in the reference field or typed as words', async () => {
      await page.goto(`${staticUrl}/search?ref=${refs.login}`);
      await expect.poll(() => results().allTextContents(), { timeout: 10_000 }).toEqual(['Sign-in loops for some users']);
      await page.goto(`${staticUrl}/search?q=${refs.invoices}`);
      await expect.poll(() => results().first().textContent(), { timeout: 10_000 }).toBe('Invoices delayed');
      await page.goto(`${staticUrl}/search?ref=${refs.invoices?.slice(4)}`);
      await expect.poll(() => results().allTextContents(), { timeout: 10_000 }).toEqual(['Invoices delayed']);
    });

    it('narrows by service and impact, and says so when nothing matches', async () => {
      await page.goto(`${staticUrl}/search?service=auth`);
      await expect.poll(() => results().allTextContents(), { timeout: 10_000 }).toEqual(['Sign-in loops for some users']);
      await page.goto(`${staticUrl}/search?severity=P3`);
      await expect.poll(() => results().allTextContents(), { timeout: 10_000 }).toEqual(['Invoices delayed']);
      await page.goto(`${staticUrl}/search?q=kerfuffle&service=billing`);
      await expect.poll(() => page.getByRole('heading', { name: 'Nothing matches' }).count(), { timeout: 10_000 }).toBe(1);
    });

    it('runs within the page’s Content-Security-Policy', () => {
      expect(violations).toEqual([]);
    });
  });

  it('signs a reader up with the live Herald from the subscribe form', async () => {
    const page = await browser.newPage();
    await page.goto(`${staticUrl}/`);
    await page.getByLabel('Email address').fill('reader@example.test');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(`${herald.url}/subscribe`);
    await expect.poll(() => page.getByRole('heading', { name: 'Check your inbox' }).count()).toBe(1);
    await page.close();
    // The confirmation mail goes out through Herald's outbox (as .eml files without SMTP_URL).
    const mailed = () => {
      try {
        return readdirSync(join(dir, 'mail'), { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.eml'))
          .some((file) => readFileSync(join(dir, 'mail', file), 'utf8').includes('reader@example.test'));
      } catch {
        return false;
      }
    };
    await expect.poll(mailed, { timeout: 15_000 }).toBe(true);
  });
});

describe.skipIf(nginxMissing() !== null)('the static copy served by nginx with no Herald behind it', () => {
  it('has no broken link', async () => {
    nginx = await startNginx(
      (port) => `server {
  listen 127.0.0.1:${port};
  root ${site};
  location / { try_files $uri $uri/index.html =404; }
  error_page 404 /404.html;
}`,
    );
    const { reached, broken } = await crawl(nginx.url);
    expect(broken).toEqual([]);
    expect(reached).toBeGreaterThan(30);
  });
});

it('exports without a sign-up form, rather than one that fails, when no live Herald is named', () => {
  const out = join(dir, 'site-without-api');
  const exported = runCli(
    { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, PUBLIC_URL: 'https://status.example.test' },
    'export.ts',
    '--out',
    out,
  );
  expect(exported.status, exported.stderr).toBe(0);
  expect(exported.stdout).toContain('no subscribe form (set PUBLIC_API_URL to the live Herald to keep it)');
  const home = readFileSync(join(out, 'index.html'), 'utf8');
  expect(home).not.toContain('action="/subscribe"');
  expect(home).not.toContain('<form class="subscribe"');
  removeDir(out);
});

it('exports the snapshot exactly as Herald writes it with --snapshot-only, for a server to start on', () => {
  const out = join(dir, 'snapshot-only');
  const exported = runCli(
    { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, PUBLIC_URL: 'https://status.example.test' },
    'export.ts',
    '--out',
    out,
    '--snapshot-only',
  );
  expect(exported.status, exported.stderr).toBe(0);
  expect(exported.stdout).not.toContain('[Export] Static search');
  for (const extra of ['search', 'pagefind', 'i', 'static-search.js']) expect(existsSync(join(out, extra)), extra).toBe(false);
  expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<form class="subscribe" method="post" action="/subscribe">');
  removeDir(out);
});
