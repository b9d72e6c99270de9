/**
 * Search in a real browser, with JavaScript off: the public /search and the desk's
 * /admin/search are plain GET forms whose results page has a URL to share, and pass axe.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeBrowserTest, expectAccessible, launchBrowser, signInAs } from '../support/browser.ts';
import { makeIncident } from '../support/factories.ts';
import { adminPost, runCli, type RunningServer, startServer } from '../support/server.ts';

const ADMIN_TOKEN = 'search-admin-token-0123456789abcdef';
const PASSWORD = 'a long support password';
const dir = mkdtempSync(join(tmpdir(), 'herald-search-'));
const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'false' };

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  const out = runCli(env, 'user.ts', 'create', 'support@example.test', '--role', 'support', '--password', PASSWORD);
  expect(out.status, out.stderr).toBe(0);
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN }, dir);
  for (const incident of [
    makeIncident({ title: 'Checkout payments failing', commander: 'Sam Lee' }),
    makeIncident({ title: 'Slow search results', severity: 'P3' }),
  ]) {
    await adminPost(server.url, ADMIN_TOKEN, '/api/admin/incidents', incident);
  }
  browser = await launchBrowser();
}, 120_000);
afterAll(() => closeBrowserTest(browser, server, dir));

it('finds published incidents on the public site without JavaScript, at a URL to share, and passes axe', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Search', exact: true }).click();
  await page.waitForURL('**/search');
  await expectAccessible(page);
  await page.getByLabel('Words').fill('checkout');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL('**/search?q=checkout**');
  await expect.poll(() => page.getByRole('heading', { name: '1 match' }).count()).toBe(1);
  await expect.poll(() => page.getByRole('link', { name: 'Checkout payments failing' }).getAttribute('href')).toBe('/incidents/INC-1');
  await expectAccessible(page);
  // The URL is the search: opened afresh, it shows the same results.
  const shared = await context.newPage();
  await shared.goto(page.url());
  await expect.poll(() => shared.getByRole('link', { name: 'Checkout payments failing' }).count()).toBe(1);
  await context.close();
});

it('finds any incident on the desk, the commander included, and passes axe', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signInAs(page, server.url, 'support@example.test', PASSWORD);
  await page.getByRole('navigation', { name: 'Desk' }).getByRole('link', { name: 'Search', exact: true }).click();
  await page.waitForURL('**/admin/search');
  await page.getByLabel('Words').fill('Sam Lee');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL('**/admin/search?q=Sam+Lee**');
  await expect.poll(() => page.getByRole('link', { name: 'Checkout payments failing' }).getAttribute('href')).toBe('/admin/incidents/INC-1');
  await expectAccessible(page);
  await context.close();
});
