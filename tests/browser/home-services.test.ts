/**
 * / for a catalogue of 200 services in a real browser with JavaScript disabled: one row a
 * service, read as a table (the service's name heads its row, its status and 90-day uptime
 * beside it), icons drawn from the page's symbols, axe-clean in light and dark, and one tab stop
 * a service instead of ninety. Real server, Debian's Chromium.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, expectAccessible, launchBrowser, withPage } from '../support/browser.ts';
import { contentWithServices } from '../support/catalogue.ts';
import { makeIncident } from '../support/factories.ts';
import { adminPost, startServer, type RunningServer } from '../support/server.ts';

const ADMIN_TOKEN = 'home-services-admin-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'herald-home-services-'));
const content = contentWithServices(200);

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN, CONTENT_DIR: content }, dir);
  await adminPost(
    server.url,
    ADMIN_TOKEN,
    '/api/admin/incidents',
    makeIncident({
      title: 'Service 150 is down',
      services: [
        { slug: 'service-150', status: 'major_outage' },
        { slug: 'api', status: 'degraded_performance' },
      ],
    }),
  );
  browser = await launchBrowser();
}, 120_000);
afterAll(() => closeBrowserTest(browser, server, dir, content));

describe('/ with 200 services, without JavaScript', () => {
  it('reads as tables: each service heads its row, with its status and uptime', async () => {
    await withPage(browser, { javaScriptEnabled: false }, async (page) => {
      await page.goto(`${server.url}/`);
      const services = page.getByRole('region', { name: 'Services' });
      await expect.poll(() => services.getByRole('rowheader').count()).toBe(200);
      const row = (name: string) => services.getByRole('row', { name: new RegExp(`^${name} `) });
      // Created a moment ago and down since: below 100, over today (counted whole), and saying so.
      const percent = /^\d{1,2}\.\d\d % today$/;
      expect(await row('Service 150').getByRole('cell').allInnerTexts()).toEqual(['Major outage', expect.stringMatching(percent)]);
      expect(await row('Public API').getByRole('cell').allInnerTexts()).toEqual(['Degraded performance', expect.stringMatching(percent)]);
      expect(await row('Billing').getByRole('cell').allInnerTexts()).toEqual(['Operational', '100.00 % today']);
      expect(await services.getByRole('columnheader', { name: 'Uptime, last 90 days' }).count()).toBe(3);
      // The icon of a service that is down is drawn from the page's symbol: it has a shape.
      const icon = await row('Service 150').locator('svg').boundingBox();
      expect(icon?.width).toBe(16);
      const drawn = await row('Service 150')
        .locator('use')
        .evaluate((use) => (use as SVGGraphicsElement).getBBox().width);
      expect(drawn).toBeGreaterThan(0);
      // The symbols themselves take no room on the page.
      expect(await page.locator('svg:has(symbol)').boundingBox()).toMatchObject({ width: 0, height: 0 });
      // No uptime days here, and one tab stop a service (its name, a link to its page).
      expect(await page.locator('[tabindex="0"]').count()).toBe(0);
      expect(await services.getByRole('link').count()).toBe(200);
    });
  });

  it('passes axe in light and dark, with reduced motion', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      await withPage(browser, { javaScriptEnabled: false, colorScheme, reducedMotion: 'reduce' }, async (page) => {
        await page.goto(`${server.url}/`);
        await expect.poll(() => page.getByRole('rowheader').count()).toBe(200);
        await expectAccessible(page);
      });
    }
  });

  it('takes a keyboard user from a service’s row to its 90 days', async () => {
    await withPage(browser, { javaScriptEnabled: false }, async (page) => {
      await page.goto(`${server.url}/`);
      await page.getByRole('link', { name: 'Public API', exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${server.url}/services/api`);
      expect(await page.getByRole('list', { name: 'Public API: uptime by day, last 90 days' }).getByRole('listitem').count()).toBe(90);
    });
  });
});
