/**
 * The public pages as a customer gets them in a real browser: readable with JavaScript
 * disabled, free of axe-core violations in light and dark schemes, calm under reduced motion,
 * and announcing their RSS feeds. Runs the real server (built Astro bundle) and Debian's Chromium.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../api/shared/schemas.ts';
import { closeBrowserTest, formatViolations, launchBrowser, runAxe, withPage } from '../support/browser.ts';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { adminPost, startServer, type RunningServer } from '../support/server.ts';

const ADMIN_TOKEN = 'browser-admin-token-0123456789abcdef';

const DECLARED = makeIncident({
  title: 'Elevated error rates on the public API',
  severity: 'P1',
  message: 'We are investigating elevated **5xx** error rates on the public API.',
  services: [
    { slug: 'api', status: 'major_outage' },
    { slug: 'webhooks', status: 'partial_outage' },
  ],
  impact: 'About one in five API requests fails with a 503.',
  nextUpdateInMinutes: 20,
});
const MITIGATING = makeUpdate({
  status: 'mitigating',
  message: 'A faulty deploy is the cause; we are rolling it back.',
  services: [{ slug: 'api', status: 'partial_outage' }],
});
const MONITORING = makeUpdate({
  status: 'monitoring',
  message: 'The rollback is complete and error rates are falling. We are monitoring the recovery.',
  services: [{ slug: 'api', status: 'degraded_performance' }],
  nextUpdateInMinutes: 15,
});

let server: RunningServer;
let browser: Browser;
let incident: Incident;
/** A resolved incident: its page is an archive page (no live status in it). */
let resolved: Incident;

async function post<T>(path: string, body: unknown): Promise<T> {
  return adminPost<T>(server.url, ADMIN_TOKEN, path, body);
}

/** A fresh page in its own context; the context closes with the test. */
const openPage = (options: BrowserContextOptions, use: (page: Page) => Promise<void>) => withPage(browser, options, use);

async function visit(page: Page, path: string): Promise<void> {
  const response = await page.goto(`${server.url}${path}`);
  expect(response?.status(), path).toBe(200);
}

/** "Next update by 14:32 UTC" (or "… 27 Nov 2026 14:32 UTC" across midnight) for a due time. */
const nextUpdateLine = (dueAt: string) => new RegExp(`Next update by (\\d{1,2} \\w+ \\d{4} )?${dueAt.slice(11, 16)} UTC`);

beforeAll(async () => {
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN });
  const declared = await post<Incident>('/api/admin/incidents', DECLARED);
  await post<Incident>(`/api/admin/incidents/${declared.ref}/updates`, MITIGATING);
  incident = await post<Incident>(`/api/admin/incidents/${declared.ref}/updates`, MONITORING);
  const past = await post<Incident>(
    '/api/admin/incidents',
    makeIncident({ title: 'Slow search results', severity: 'P3', services: [{ slug: 'api', status: 'degraded_performance' }] }),
  );
  resolved = await post<Incident>(
    `/api/admin/incidents/${past.ref}/updates`,
    makeUpdate({ status: 'resolved', message: 'Search is fast again.', rootCause: 'An index rebuild overran.' }),
  );
  browser = await launchBrowser();
});

afterAll(() => closeBrowserTest(browser, server, server?.dir));

const PAGES = () => ['/', `/incidents/${incident.ref}`, '/history', '/services/api'];

describe('without JavaScript', () => {
  const noScript = { javaScriptEnabled: false };

  it('shows the active incident on the home page: title, latest update, impact and next update', () =>
    openPage(noScript, async (page) => {
      await visit(page, '/');
      const card = page.locator('article.card', { has: page.locator(`a[href="/incidents/${incident.ref}"]`) });
      expect(await card.locator('h3').innerText()).toBe(DECLARED.title);
      const text = await card.innerText();
      expect(text).toContain(MONITORING.message);
      expect(text).not.toContain(MITIGATING.message);
      expect(text).toContain(`Impact: ${DECLARED.impact}`);
      expect(text).toContain('Monitoring');
      expect(text).toMatch(nextUpdateLine(incident.nextUpdateDueAt as string));
    }));

  it('shows each affected service with its status in words on the home page', () =>
    openPage(noScript, async (page) => {
      await visit(page, '/');
      const services = page.locator('section[aria-labelledby="services"] li');
      expect(await services.filter({ hasText: 'Public API' }).innerText()).toMatch(/Public API\s+Degraded performance/);
      expect(await services.filter({ hasText: 'Webhooks' }).innerText()).toMatch(/Webhooks\s+Partial outage/);
    }));

  it('shows the whole incident on its page: title, impact, services, next update and every update in order', () =>
    openPage(noScript, async (page) => {
      await visit(page, `/incidents/${incident.ref}`);
      expect(await page.locator('h1').innerText()).toBe(DECLARED.title);
      const meta = await page.locator('h1 + p.meta').innerText();
      expect(meta).toContain('Monitoring');
      expect(meta).toContain('Major impact');
      expect(meta).toContain(incident.ref);
      expect(await page.locator('p.cadence').innerText()).toMatch(nextUpdateLine(incident.nextUpdateDueAt as string));
      expect(await page.locator('dl.facts').innerText()).toContain(DECLARED.impact);

      const affected = page.locator('section[aria-labelledby="affected"] li');
      expect(await affected.allInnerTexts()).toEqual([
        expect.stringMatching(/Public API\s+Degraded performance/),
        expect.stringMatching(/Webhooks\s+Partial outage/),
      ]);

      const timeline = page.locator('ol.timeline > li.update');
      expect(await timeline.locator('.update-status').allInnerTexts()).toEqual(['Monitoring', 'Mitigating', 'Investigating']);
      expect(await timeline.locator('.message').allInnerTexts()).toEqual([
        MONITORING.message,
        MITIGATING.message,
        'We are investigating elevated 5xx error rates on the public API.',
      ]);
      expect(await timeline.locator('.changes').allInnerTexts()).toEqual([
        'Public API: Partial outage → Degraded performance',
        'Public API: Major outage → Partial outage',
        'Public API: Operational → Major outage\nWebhooks: Operational → Partial outage',
      ]);
      for (const time of await timeline.locator('.update-time time').all()) expect(await time.innerText()).toMatch(/\d\d:\d\d UTC$/);
    }));

  it('is really without JavaScript: times stay in UTC and the copy button stays hidden, unlike with it', async () => {
    const read = (page: Page) => Promise.all([page.locator('.update-time time').first().innerText(), page.locator('button[data-copy]').isVisible()]);
    await openPage(noScript, async (page) => {
      await visit(page, `/incidents/${incident.ref}`);
      const [time, copyVisible] = await read(page);
      expect(time).toMatch(/UTC$/);
      expect(copyVisible).toBe(false);
    });
    await openPage({ javaScriptEnabled: true, timezoneId: 'Asia/Kolkata', locale: 'en-GB' }, async (page) => {
      await visit(page, `/incidents/${incident.ref}`);
      const [time, copyVisible] = await read(page);
      expect(time).not.toMatch(/UTC$/);
      expect(copyVisible).toBe(true);
    });
  });
});

describe('archive pages', () => {
  it('show a resolved incident without the live status, linking to it instead', () =>
    openPage({ javaScriptEnabled: false }, async (page) => {
      await visit(page, `/incidents/${resolved.ref}`);
      expect(await page.locator('header .overall').innerText()).toBe('Current status');
      expect(await page.locator('header .overall a').getAttribute('href')).toBe('/');
      expect(await page.locator('section[aria-labelledby="affected"] li').innerText()).toBe('Public API');
      await visit(page, `/incidents/${incident.ref}`);
      expect(await page.locator('header .overall').innerText()).not.toBe('Current status');
    }));
});

describe('accessibility (axe-core: WCAG 2.0/2.1 A and AA, best practices)', () => {
  it('reports violations when a page has them, also without JavaScript', () =>
    openPage({ javaScriptEnabled: false }, async (page) => {
      await page.setContent('<!doctype html><html><body><img src="/x.png"><p style="color:#bbb;background:#fff">faint</p></body></html>');
      const ids = (await runAxe(page)).map((v) => v.id);
      expect(ids).toEqual(expect.arrayContaining(['image-alt', 'color-contrast', 'html-has-lang', 'document-title']));
    }));

  for (const javaScriptEnabled of [false, true]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      // The month pages and a resolved incident's page are archive pages: their own header and footer.
      const month = () => incident.startedAt.slice(0, 7).replace('-', '/');
      for (const path of [
        '/',
        '/incidents/INC-1',
        '/history',
        '/services/api',
        'archive: /incidents/INC-2',
        'archive: /history/MONTH',
        'archive: /services/api/history/MONTH',
      ]) {
        const mode = `${colorScheme} scheme, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`;
        it(`finds no violations on ${path} (${mode})`, () =>
          openPage({ javaScriptEnabled, colorScheme }, async (page) => {
            const errors: string[] = [];
            page.on('pageerror', (error) => errors.push(error.message));
            await visit(page, path.replace('archive: ', '').replace('MONTH', month()));
            expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(colorScheme === 'dark');
            const violations = await runAxe(page);
            expect(violations, `axe on ${path} (${mode}):\n${formatViolations(violations)}`).toEqual([]);
            expect(errors).toEqual([]);
          }));
      }
    }
  }
});

describe('reduced motion', () => {
  it('loads every page with prefers-reduced-motion: reduce and switches transitions off', () =>
    openPage({ reducedMotion: 'reduce' }, async (page) => {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      for (const path of PAGES()) {
        await visit(page, path);
        await expect(page.locator('h1').isVisible()).resolves.toBe(true);
        const motion = await page.evaluate(() => ({
          reduce: matchMedia('(prefers-reduced-motion: reduce)').matches,
          transition: getComputedStyle(document.querySelector('a') as Element).transitionProperty,
        }));
        expect(motion, path).toEqual({ reduce: true, transition: 'none' });
      }
      expect(errors).toEqual([]);
    }));

  it('leaves transitions alone when motion is not reduced', () =>
    openPage({ reducedMotion: 'no-preference' }, async (page) => {
      await visit(page, '/');
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('a') as Element).transitionProperty)).toBe('all');
    }));
});

describe('feed discovery', () => {
  it('announces the site feed on every page, and the service feed on a service page; each is a live RSS feed', () =>
    openPage({ javaScriptEnabled: false }, async (page) => {
      const parser = new Parser();
      for (const path of PAGES()) {
        await visit(page, path);
        const feeds = await page
          .locator('head link[rel="alternate"][type="application/rss+xml"]')
          .evaluateAll((links) => links.map((l) => ({ href: (l as HTMLLinkElement).href, title: l.getAttribute('title') })));
        const expected = [`${server.url}/feed.xml`, ...(path.startsWith('/services/') ? [`${server.url}${path}/feed.xml`] : [])];
        expect(
          feeds.map((f) => f.href),
          path,
        ).toEqual(expected);
        for (const feed of feeds) {
          expect(feed.title, feed.href).toBeTruthy();
          const response = await fetch(feed.href);
          expect(response.status, feed.href).toBe(200);
          expect(response.headers.get('content-type'), feed.href).toMatch(/xml/);
          const parsed = await parser.parseString(await response.text());
          expect(parsed.items.map((item) => item.title)).toContain(`${DECLARED.title} — Monitoring`);
        }
      }
    }));
});
