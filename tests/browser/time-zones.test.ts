/**
 * Which zone a time is in, as a reader in Los Angeles meets it (the real server, Debian's
 * Chromium with `timezoneId: 'America/Los_Angeles'`): with JavaScript every time is written in
 * the reader's zone and says so, with its date when it is not today there, and the footer names
 * the zone; without JavaScript every time says UTC, and so does the footer.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, launchBrowser, withPage } from '../support/browser.ts';
import { makeIncident, makeMaintenance, makeUpdate } from '../support/factories.ts';
import { adminPost, startServer, type RunningServer } from '../support/server.ts';

const ADMIN_TOKEN = 'time-zones-admin-token-0123456789abcdef';
const HOUR = 3600_000;
const READER = { timezoneId: 'America/Los_Angeles', locale: 'en-US' };

let server: RunningServer;
let browser: Browser;
let paths: string[];

const post = (path: string, body: unknown) => adminPost(server.url, ADMIN_TOKEN, path, body);

beforeAll(async () => {
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN }, mkdtempSync(join(tmpdir(), 'herald-zones-')));
  const at = (ms: number) => new Date(Date.now() + ms).toISOString();
  // A resolved incident (listed on / with its resolution time), an open one with an ETA two days
  // ahead (not today anywhere), a window in progress and one two days ahead.
  const past = await post('/api/admin/incidents', makeIncident({ title: 'Slow search', services: [{ slug: 'search', status: 'degraded_performance' }] }));
  await post(`/api/admin/incidents/${past.ref}/updates`, makeUpdate({ status: 'resolved', message: 'Search is fast again.' }));
  const open = await post('/api/admin/incidents', makeIncident({ title: 'API errors', services: [{ slug: 'api', status: 'partial_outage' }] }));
  await post(`/api/admin/incidents/${open.ref}/updates`, makeUpdate({ eta: at(50 * HOUR) }));
  const running = await post(
    '/api/admin/maintenance',
    makeMaintenance({ title: 'CDN rotation', services: ['cdn'], scheduledFor: at(-HOUR), scheduledUntil: at(HOUR) }),
  );
  const later = await post(
    '/api/admin/maintenance',
    makeMaintenance({ title: 'Database upgrade', scheduledFor: at(48 * HOUR), scheduledUntil: at(50 * HOUR) }),
  );
  // A window that ran and is over: listed on /history.
  const done = await post(
    '/api/admin/maintenance',
    makeMaintenance({ title: 'Mail relay swap', services: ['email'], scheduledFor: at(-2 * HOUR), scheduledUntil: at(HOUR) }),
  );
  await post(`/api/admin/maintenance/${done.ref}/updates`, { status: 'in_progress', message: 'Started.' });
  await post(`/api/admin/maintenance/${done.ref}/updates`, { status: 'completed', message: 'Done.' });
  paths = ['/', '/history', `/incidents/${open.ref}`, `/incidents/${past.ref}`, `/maintenance/${running.ref}`, `/maintenance/${later.ref}`];
  browser = await launchBrowser();
}, 120_000);
afterAll(() => closeBrowserTest(browser, server, server?.dir));

/**
 * Each clock time written on the page ("6:02 AM", "14:32") that no zone follows, with the words
 * around it: what a reader could not place. `zones` are the names the page may use.
 */
function timesWithoutZone(page: Page, zones: string[]): Promise<string[]> {
  return page.evaluate((zones) => {
    const text = document.body.innerText;
    const zone = new RegExp(`^\\s(?:${zones.join('|')})\\b`);
    const bare: string[] = [];
    for (const m of text.matchAll(/\b\d{1,2}:\d{2}(?:\s?[AP]M)?/g)) {
      const end = (m.index ?? 0) + m[0].length;
      if (!zone.test(text.slice(end, end + 8))) bare.push(text.slice(Math.max(0, (m.index ?? 0) - 40), end + 8));
    }
    return bare;
  }, zones);
}

/** Every `<time>` as the reader sees it, with its date in the reader's zone and whether that is today there. */
function times(page: Page): Promise<{ text: string; day: string; today: boolean; zone: string }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('main time, footer time')].map((el) => {
      const at = new Date(el.getAttribute('datetime') ?? '');
      const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
      return {
        text: (el as HTMLElement).innerText,
        day: at.toLocaleDateString(undefined, { month: 'short', day: 'numeric' }),
        today: at.toDateString() === new Date().toDateString(),
        zone,
      };
    }),
  );
}

describe('times for a reader in Los Angeles', () => {
  it('writes every time in the reader’s zone and says which, with the date when it is not today there', () =>
    withPage(browser, READER, async (page) => {
      for (const path of paths) {
        await page.goto(`${server.url}${path}`);
        await expect.poll(() => page.locator('[data-times]').innerText(), { message: path }).toBe('Times are in your time zone (America/Los Angeles).');
        const shown = await times(page);
        expect(shown.length, path).toBeGreaterThan(0);
        for (const time of shown) {
          expect(time.zone, path).toMatch(/^P[SD]T$/);
          expect(time.text, path).toContain(time.zone);
          if (!time.today) expect(time.text, path).toContain(time.day);
        }
        expect(await timesWithoutZone(page, ['PST', 'PDT']), path).toEqual([]);
      }
      // The last page, the window two days ahead, is dated: not "Scheduled for 1:10 PM".
      expect((await times(page)).some((t) => !t.today)).toBe(true);
    }));

  it('says UTC beside every time, and in the footer, when no script runs', () =>
    withPage(browser, { ...READER, javaScriptEnabled: false }, async (page) => {
      for (const path of paths) {
        await page.goto(`${server.url}${path}`);
        expect(await page.locator('[data-times]').innerText(), path).toBe('Times are in UTC (Coordinated Universal Time).');
        const shown = await times(page);
        expect(shown.length, path).toBeGreaterThan(0);
        for (const time of shown) expect(time.text, path).toMatch(/ UTC$/);
        expect(await timesWithoutZone(page, ['UTC']), path).toEqual([]);
      }
    }));
});
