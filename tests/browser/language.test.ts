/**
 * The page script speaks the site's language too: the words it writes (how long ago, an
 * update now overdue) come from the catalogue, handed over in the page. Runs the real server
 * in a pseudo-language whose messages are wrapped in ⟦…⟧, and Debian's Chromium.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeBrowserTest, launchBrowser } from '../support/browser.ts';
import { makeIncident } from '../support/factories.ts';
import { contentIn, pseudoCatalogue } from '../support/messages.ts';
import { adminPost, startServer, type RunningServer } from '../support/server.ts';

const ADMIN_TOKEN = 'browser-admin-token-0123456789abcdef';
let server: RunningServer;
let browser: Browser;
let content: string;

beforeAll(async () => {
  content = contentIn('en-XA', pseudoCatalogue());
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN, CONTENT_DIR: content });
  await adminPost(
    server.url,
    ADMIN_TOKEN,
    '/api/admin/incidents',
    makeIncident({ title: 'Zibble zonk', services: [{ slug: 'api', status: 'partial_outage' }] }),
  );
  browser = await launchBrowser();
});

afterAll(() => closeBrowserTest(browser, server, server?.dir, content));

it('writes "how long ago" in the catalogue’s words once the script has run', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en-XA');
    const relative = page.locator('time[data-local="relative"]').first();
    // Before the script: the UTC time the page was published with; after it: "⟦just now⟧ (…)".
    await expect.poll(() => relative.innerText()).toMatch(/^⟦(just now|\d+ min ago)⟧ \(/);
  } finally {
    await page.close();
  }
});
