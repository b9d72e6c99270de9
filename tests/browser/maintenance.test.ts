/**
 * Maintenance on the public pages in a real browser (the real server, Debian's Chromium):
 * readable without JavaScript, and free of axe-core violations in light and dark schemes;
 * and the desk's maintenance forms driven by the keyboard alone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, expectAccessible, formatViolations, launchBrowser, runAxe, signInByKeyboard, tabTo, withPage } from '../support/browser.ts';
import { makeMaintenance } from '../support/factories.ts';
import { adminPost, runCli, type RunningServer, startServer } from '../support/server.ts';

const PASSWORD = 'a long comms password';

const ADMIN_TOKEN = 'maintenance-browser-token-0123456789abcdef';
const HOUR = 3600_000;

let server: RunningServer;
let browser: Browser;

async function post(path: string, body: unknown): Promise<{ ref: string }> {
  return adminPost(server.url, ADMIN_TOKEN, path, body);
}

const openPage = (options: BrowserContextOptions, use: (page: Page) => Promise<void>) => withPage(browser, options, use);

async function visit(page: Page, path: string): Promise<void> {
  const response = await page.goto(`${server.url}${path}`);
  expect(response?.status(), path).toBe(200);
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-maintenance-'));
  const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'false' };
  const created = runCli(env, 'user.ts', 'create', 'comms@example.test', '--role', 'comms', '--password', PASSWORD);
  expect(created.status, created.stderr).toBe(0);
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN }, dir);
  const now = Date.now();
  const at = (ms: number) => new Date(now + ms).toISOString();
  await post(
    '/api/admin/maintenance',
    makeMaintenance({ title: 'CDN certificate rotation', services: ['cdn'], scheduledFor: at(-HOUR), scheduledUntil: at(HOUR) }),
  );
  const upcoming = await post(
    '/api/admin/maintenance',
    makeMaintenance({ title: 'Database upgrade', scheduledFor: at(24 * HOUR), scheduledUntil: at(26 * HOUR) }),
  );
  await post(`/api/admin/maintenance/${upcoming.ref}/updates`, { message: 'Still **on** for tomorrow.' });
  // MNT-3: ran for a while this morning and is over.
  const done = await post(
    '/api/admin/maintenance',
    makeMaintenance({ title: 'Mail relay swap', services: ['email'], scheduledFor: at(-2 * HOUR), scheduledUntil: at(HOUR) }),
  );
  await post(`/api/admin/maintenance/${done.ref}/updates`, { status: 'in_progress', message: 'Swapping the relay.' });
  await post(`/api/admin/maintenance/${done.ref}/updates`, { status: 'completed', message: 'Done.' });
  browser = await launchBrowser();
});

afterAll(() => closeBrowserTest(browser, server, server?.dir));

describe('maintenance without JavaScript', () => {
  it('shows the running window and the upcoming one on the home page', () =>
    openPage({ javaScriptEnabled: false }, async (page) => {
      await visit(page, '/');
      const now = page.locator('section[aria-labelledby="maintenance-now"] article.card');
      expect(await now.locator('h3').innerText()).toBe('CDN certificate rotation');
      expect(await now.innerText()).toContain('In progress');
      const soon = page.locator('section[aria-labelledby="maintenance-upcoming"] article.card');
      expect(await soon.locator('h3').innerText()).toBe('Database upgrade');
      expect(await soon.innerText()).toContain('Still on for tomorrow.');
      const cdn = page.locator('section[aria-labelledby="services"] li', { hasText: 'CDN' });
      expect(await cdn.innerText()).toMatch(/Under maintenance/);
    }));

  it('shows a window on its own page with its timeline newest first', () =>
    openPage({ javaScriptEnabled: false }, async (page) => {
      await visit(page, '/maintenance/MNT-2');
      expect(await page.locator('h1').innerText()).toBe('Database upgrade');
      expect(await page.locator('ol.timeline .update-status').allInnerTexts()).toEqual(['Scheduled', 'Scheduled']);
      expect(await page.locator('ol.timeline .message').first().innerText()).toBe('Still on for tomorrow.');
    }));

  it('shows the running window on the page of the service it affects, and offers the Atom feed', () =>
    openPage({ javaScriptEnabled: false }, async (page) => {
      await visit(page, '/services/cdn');
      const section = page.locator('section[aria-labelledby="service-maintenance"] article.card');
      expect(await section.locator('h3').innerText()).toBe('CDN certificate rotation');
      expect(await page.locator('link[rel="alternate"][type="application/atom+xml"]').count()).toBe(2);
      await visit(page, '/services/search');
      expect(await page.locator('section[aria-labelledby="service-maintenance"]').count()).toBe(0);
    }));

  it('lists the window that ran in /history and under "Recent maintenance" on its service’s page', () =>
    openPage({ javaScriptEnabled: false }, async (page) => {
      await visit(page, '/history');
      const line = page.locator('main li.history-item', { hasText: 'Mail relay swap' });
      expect(await line.locator('a').getAttribute('href')).toBe('/maintenance/MNT-3');
      expect(await line.innerText()).toMatch(/MNT-3 · .*\d{2}:\d{2} UTC to .*\d{2}:\d{2} UTC · lasted/);
      expect(await line.innerText()).toContain('Affects Email delivery');
      await visit(page, '/services/email');
      const recent = page.locator('section[aria-labelledby="recent-maintenance"] li', { hasText: 'Mail relay swap' });
      expect(await recent.count()).toBe(1);
      await visit(page, '/services/cdn');
      expect(await page.locator('section[aria-labelledby="recent-maintenance"]').count()).toBe(0);
    }));

  for (const path of ['/', '/maintenance/MNT-1', '/maintenance/MNT-2', '/services/cdn', '/history', '/services/email']) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`finds no axe violations on ${path} (${colorScheme} scheme)`, () =>
        openPage({ javaScriptEnabled: false, colorScheme }, async (page) => {
          await visit(page, path);
          const violations = await runAxe(page);
          expect(violations, formatViolations(violations)).toEqual([]);
        }));
    }
  }
});

describe('the desk’s maintenance forms with the keyboard only', () => {
  it('schedules, extends and cancels a window; every page passes axe', () =>
    openPage({}, async (page) => {
      await signInByKeyboard(page, server.url, 'comms@example.test', PASSWORD);

      await tabTo(page, 'a.button[href="/admin/maintenance/new"]');
      await page.keyboard.press('Enter');
      await page.waitForURL('**/admin/maintenance/new');
      await expectAccessible(page);
      await tabTo(page, '#f-title');
      await page.keyboard.type('Search index rebuild');
      await tabTo(page, 'input[name="svc.search"]');
      await page.keyboard.press('Space');
      await tabTo(page, 'form[action="/admin/maintenance/new"] button.primary');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/admin\/maintenance\/MNT-\d+\?done=maintenance-scheduled$/);
      const ref = /MNT-\d+/.exec(page.url())?.[0] as string;
      expect(await page.locator('.flash, [role="status"]').first().innerText()).toContain('Maintenance scheduled and published.');
      await expectAccessible(page);
      const servicePage = await page.context().request.get(`${server.url}/services/search`);
      expect(await servicePage.text()).toContain('Search index rebuild');

      // The new end comes prefilled an hour past the current one: the keyboard user only submits.
      await tabTo(page, 'form[action$="/extend"] button.primary');
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/admin/maintenance/${ref}?done=maintenance-extended`);
      expect(await page.locator('ol.plain h3').first().innerText()).toBe('Maintenance extended');

      await tabTo(page, 'form[action$="/cancel"] button');
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/admin/maintenance/${ref}?done=maintenance-cancelled`);
      expect(await page.locator('main h1 + p strong').innerText()).toBe('Cancelled');
      await expectAccessible(page);
      const after = await page.context().request.get(`${server.url}/services/search`);
      expect(await after.text()).not.toContain('Search index rebuild');
    }));
});
