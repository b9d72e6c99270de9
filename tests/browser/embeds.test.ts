/**
 * What other sites embed, in a real browser against the real server: the SVG badges render,
 * /embed shows the status in a frame of a page of another origin under a strict CSP, and the
 * one-line widget renders into a host page of another origin — both follow a status change,
 * set no cookie and ask nothing of anyone but Herald.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceBadge } from '../../api/site/badge.ts';
import { closeBrowserTest, expectAccessible, launchBrowser } from '../support/browser.ts';
import { makeIncident, makeMaintenance, makeUpdate } from '../support/factories.ts';
import { adminPost, startServer, type RunningServer } from '../support/server.ts';

const ADMIN_TOKEN = 'embeds-admin-token-0123456789abcdef';
/** The frame the README should suggest for /embed: room for three incidents, "and N more" and a window in progress. */
const EMBED_FRAME = { width: 400, height: 260 };

let server: RunningServer;
let browser: Browser;
/** Another site: another origin (its own port) on this machine, serving whatever page a test puts here. */
let host: Server;
let hostUrl: string;
const hostPages = new Map<string, { html: string; csp?: string }>();

beforeAll(async () => {
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN });
  browser = await launchBrowser();
  host = createServer((req, res) => {
    const page = hostPages.get(req.url ?? '');
    if (!page) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(page.csp ? { 'content-security-policy': page.csp } : {}) }).end(page.html);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  expect(new URL(hostUrl).origin).not.toBe(new URL(server.url).origin);
});
afterAll(async () => {
  await new Promise<void>((resolve) => (host ? host.close(() => resolve()) : resolve()));
  await closeBrowserTest(browser, server, server?.dir);
});

async function post(path: string, body: unknown): Promise<{ ref: string }> {
  return adminPost(server.url, ADMIN_TOKEN, path, body);
}

const hostPage = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

/**
 * A fresh context whose every request is recorded; the test gets the page and, at the end,
 * checks that nothing went anywhere but Herald and the host, and that no cookie was set.
 */
async function inContext(use: (page: Page, context: BrowserContext) => Promise<void>, options: Parameters<Browser['newContext']>[0] = {}): Promise<void> {
  const context = await browser.newContext(options);
  const requested: string[] = [];
  context.on('request', (request) => requested.push(request.url()));
  try {
    await use(await context.newPage(), context);
    const allowed = new Set([new URL(server.url).origin, hostUrl]);
    expect(requested.filter((url) => !allowed.has(new URL(url).origin))).toEqual([]);
    expect(requested.length).toBeGreaterThan(0);
    expect(await context.cookies([server.url, hostUrl])).toEqual([]);
    expect(await context.cookies()).toEqual([]);
  } finally {
    await context.close();
  }
}

describe('status badges', () => {
  it('render as images on another site, with their title', async () => {
    hostPages.set('/badges', {
      html: hostPage(
        'Badges',
        `<p><img id="page" src="${server.url}/badge.svg" alt="Status"> <img id="api" src="${server.url}/services/api/badge.svg" alt="Public API status"></p>`,
      ),
    });
    await inContext(async (page) => {
      await page.goto(`${hostUrl}/badges`);
      for (const id of ['page', 'api']) {
        await expect
          .poll(() => page.locator(`#${id}`).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 5000 })
          .toBeGreaterThan(40);
        expect(await page.locator(`#${id}`).evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(20);
      }
      const badge = await page.goto(`${server.url}/services/api/badge.svg`);
      expect(badge?.headers()['content-type']).toBe('image/svg+xml');
      expect(await page.locator('svg > title').textContent()).toMatch(/^Public API: (operational|partial outage)$/);
      expect(await page.locator('svg').getAttribute('role')).toBe('img');
    });
  });

  it("stay one valid SVG in Chromium's XML parser with a hostile service name", async () => {
    const name = `</title><script>alert(1)</script> & "Co" <API>`;
    const svg = serviceBadge({ name, status: 'major_outage' });
    const page = await browser.newPage();
    try {
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        return {
          error: doc.querySelector('parsererror')?.textContent ?? null,
          title: doc.querySelector('title')?.textContent,
          scripts: doc.querySelectorAll('script').length,
        };
      }, svg);
      expect(parsed).toEqual({ error: null, title: `${name}: major outage`, scripts: 0 });
    } finally {
      await page.close();
    }
  });
});

describe('the embed and the widget on another site', () => {
  it('show the status in a frame under a strict host CSP and from one script tag, follow a change, set no cookie and call nobody else', async () => {
    const herald = new URL(server.url).origin;
    hostPages.set('/framed', {
      html: hostPage('Framed status', `<iframe title="Service status" src="${server.url}/embed" width="400" height="140"></iframe>`),
      csp: `default-src 'none'; frame-src ${herald}`,
    });
    hostPages.set('/scripted', {
      html: hostPage('Scripted status', `<p>Our status:</p><script src="${server.url}/widget.js" async></script>`),
      csp: `default-src 'none'; script-src ${herald}; connect-src ${herald}`,
    });
    const embedText = async (page: Page) => (await page.frameLocator('iframe').locator('main').textContent()) ?? '';
    const widget = (page: Page) => page.locator('.herald-status [role="status"]');

    await inContext(async (page) => {
      await page.goto(`${hostUrl}/framed`);
      await expect.poll(() => embedText(page), { timeout: 5000 }).toContain('All Systems Operational');
      await page.goto(`${hostUrl}/scripted`);
      await expect.poll(() => widget(page).textContent(), { timeout: 5000 }).toContain('All Systems Operational');
      // Its own styles apply in its shadow root, even where the host allows no stylesheet.
      expect(await widget(page).evaluate((el) => getComputedStyle(el).borderLeftStyle)).toBe('solid');
      await expectAccessible(page);

      await post(
        '/api/admin/incidents',
        makeIncident({ title: 'Checkout requests failing', severity: 'P1', services: [{ slug: 'api', status: 'partial_outage' }] }),
      );
      // The browser may keep the frame it has for a few seconds (max-age): a reader who reloads sees the change soon after.
      await expect
        .poll(
          async () => {
            await page.goto(`${hostUrl}/framed`);
            await page.frameLocator('iframe').locator('main').waitFor();
            return embedText(page);
          },
          { timeout: 20_000, interval: 1000 },
        )
        .toContain('Partial System Outage');
      const frameLink = page.frameLocator('iframe').getByRole('link', { name: 'Checkout requests failing' });
      expect(await frameLink.getAttribute('href')).toBe(`${server.url}/incidents/INC-1`);
      expect(await frameLink.getAttribute('target')).toBe('_top');
      expect(await embedText(page)).toContain('Investigating');

      await page.goto(`${hostUrl}/scripted`);
      await expect.poll(() => widget(page).textContent(), { timeout: 5000 }).toContain('Partial System Outage');
      const link = widget(page).getByRole('link', { name: 'Checkout requests failing' });
      expect(await link.getAttribute('href')).toBe(`${server.url}/incidents/INC-1`);
      expect(await widget(page).textContent()).toContain('Investigating');
      await expectAccessible(page);

      // Following the frame's link takes the reader, not the frame, to the incident.
      await frameLinkClick(page);
      expect(page.url()).toBe(`${server.url}/incidents/INC-1`);

      await post(
        '/api/admin/incidents/INC-1/updates',
        makeUpdate({ status: 'resolved', message: 'Fixed.', services: [{ slug: 'api', status: 'operational' }] }),
      );
      await page.goto(`${hostUrl}/scripted`);
      await expect.poll(() => widget(page).textContent(), { timeout: 5000 }).toContain('All Systems Operational');
      expect(await widget(page).getByRole('link').count()).toBe(1);

      // From the head, into an element the host names.
      hostPages.set('/targeted', {
        html: hostPage('Targeted status', `<div id="status-here"></div>`).replace(
          '</head>',
          `<script src="${server.url}/widget.js" data-target="status-here" async></script></head>`,
        ),
      });
      await page.goto(`${hostUrl}/targeted`);
      await expect.poll(() => page.locator('#status-here [role="status"]').textContent(), { timeout: 5000 }).toContain('All Systems Operational');
    });
  });

  it('count the open incidents they do not list, and fit a frame of the size the README gives', async () => {
    // Four open incidents with titles of a realistic length, and a window in progress: more than either lists.
    const titles = [
      'Checkout payments declined for some cards',
      'Elevated error rates on the public API',
      'Delayed email notifications to customers',
      'Slow dashboard loading in Europe',
    ];
    const refs: string[] = [];
    for (const [k, title] of titles.entries())
      refs.push((await post('/api/admin/incidents', makeIncident({ title, severity: (['P0', 'P1', 'P2', 'P3'] as const)[k] }))).ref);
    const hour = 3600_000;
    const window = await post(
      '/api/admin/maintenance',
      makeMaintenance({
        title: 'Database upgrade',
        scheduledFor: new Date(Date.now() - hour).toISOString(),
        scheduledUntil: new Date(Date.now() + hour).toISOString(),
      }),
    );
    try {
      hostPages.set('/scripted-many', { html: hostPage('Scripted status', `<script src="${server.url}/widget.js" async></script>`) });
      hostPages.set('/framed-many', {
        html: hostPage(
          'Framed status',
          `<iframe title="Service status" src="${server.url}/embed" width="${EMBED_FRAME.width}" height="${EMBED_FRAME.height}"></iframe>`,
        ),
      });
      await inContext(async (page) => {
        await page.goto(`${hostUrl}/scripted-many`);
        const widget = page.locator('.herald-status [role="status"]');
        await expect.poll(() => widget.getByRole('listitem').count(), { timeout: 5000 }).toBe(4);
        // The three most urgent are named; the fourth is counted, linking to the page.
        expect(await widget.getByRole('listitem').allTextContents()).toEqual([
          ...titles.slice(0, 3).map((t) => `${t} · Investigating`),
          'and 1 more open incident',
        ]);

        await page.goto(`${hostUrl}/framed-many`);
        const frame = page.frameLocator('iframe');
        await frame.locator('main').waitFor();
        expect(await frame.getByRole('listitem').allTextContents()).toEqual([
          ...titles.slice(0, 3).map((t) => expect.stringMatching(new RegExp(`^${t} · Investigating, updated \\d{1,2} \\w+ \\d{4} \\d\\d:\\d\\d UTC$`))),
          'and 1 more open incident',
          'Database upgrade · maintenance in progress',
        ]);
        // Nothing is cut off: the frame's document fits the frame the README suggests, light or dark.
        const fit = await frame.locator('html').evaluate((html) => ({ content: html.scrollHeight, frame: html.clientHeight }));
        expect(fit.content, `the embed needs ${fit.content} px`).toBeLessThanOrEqual(fit.frame);
      });
    } finally {
      for (const ref of refs)
        await post(
          `/api/admin/incidents/${ref}/updates`,
          makeUpdate({ status: 'resolved', message: 'Fixed.', services: [{ slug: 'api', status: 'operational' }] }),
        );
      await post(`/api/admin/maintenance/${window.ref}/updates`, { status: 'completed', message: 'Done.' });
    }
  });

  it("/embed passes axe in light and dark, and follows the reader's colour scheme", async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      await inContext(
        async (page) => {
          await page.goto(`${server.url}/embed`);
          await expectAccessible(page);
          const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
          expect(background).toBe(colorScheme === 'dark' ? 'rgb(17, 20, 24)' : 'rgb(255, 255, 255)');
        },
        { colorScheme, reducedMotion: 'reduce', javaScriptEnabled: false },
      );
    }
  });
});

async function frameLinkClick(page: Page): Promise<void> {
  await page.goto(`${hostUrl}/framed`);
  await page.frameLocator('iframe').getByRole('link', { name: 'Checkout requests failing' }).click();
  await page.waitForURL(/\/incidents\/INC-1$/);
}
