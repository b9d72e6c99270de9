/**
 * An incident page on paper (Chromium's print media): black on white whatever the reader's
 * scheme, no navigation, subscribe form or skip link, the updates all there with the address
 * of each link written after it, and no update split across pages.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, launchBrowser } from '../support/browser.ts';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { adminPost, startServer, type RunningServer } from '../support/server.ts';

const ADMIN_TOKEN = 'print-admin-token-0123456789abcdef';

let server: RunningServer;
let browser: Browser;
let page: Page;

async function post(path: string, body: unknown): Promise<void> {
  await adminPost(server.url, ADMIN_TOKEN, path, body);
}

beforeAll(async () => {
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN });
  await post(
    '/api/admin/incidents',
    makeIncident({ title: 'Checkout requests failing', message: 'Payments fail. Follow the [card network status](https://status.cards.example/now).' }),
  );
  await post('/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'mitigating', message: 'A faulty deploy is the cause; we are rolling it back.' }));
  browser = await launchBrowser();
  page = await browser.newPage({ colorScheme: 'dark' });
  await page.goto(`${server.url}/incidents/INC-1`);
});
afterAll(() => closeBrowserTest(browser, server, server?.dir));

const hidden = (selector: string) => page.locator(selector).evaluateAll((els) => els.map((el) => getComputedStyle(el).display === 'none'));
const linkSuffix = () => page.locator('.message a[href^="https://status.cards.example"]').evaluate((a) => getComputedStyle(a, '::after').content);

describe('an incident page in print', () => {
  it('shows the subscribe form, the navigation and light-on-dark on screen', async () => {
    await page.emulateMedia({ media: 'screen' });
    expect(await page.locator('form.subscribe').isVisible()).toBe(true);
    expect(await page.locator('nav[aria-label="Site"]').isVisible()).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe('rgb(255, 255, 255)');
    expect(await linkSuffix()).toBe('none');
  });

  it('prints the updates in black on white without the form, the navigation or the skip link', async () => {
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('form.subscribe').isVisible()).toBe(false);
    expect(await page.locator('nav[aria-label="Site"]').isVisible()).toBe(false);
    expect(await hidden('.skip, button[data-copy]')).toEqual([true, true]);
    expect(await page.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color])).toEqual([
      'rgb(255, 255, 255)',
      'rgb(0, 0, 0)',
    ]);
    const updates = page.locator('.timeline .update');
    expect(await updates.count()).toBe(2);
    for (const update of await updates.all()) expect(await update.isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('heading', { name: 'Checkout requests failing' }).isVisible()).toBe(true);
    expect(await updates.first().evaluate((el) => getComputedStyle(el).breakInside)).toBe('avoid');
    expect(await linkSuffix()).toBe('" (https://status.cards.example/now)"');
  });

  it('makes a PDF of it', async () => {
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(5000);
  });
});
