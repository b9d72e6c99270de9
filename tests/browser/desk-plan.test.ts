/**
 * The plan's desk pieces in real Chromium without JavaScript: the acknowledge button works as
 * a plain form post, and the incident page and the reports page (with its SVG chart) pass axe.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, expectAccessible, launchBrowser, signInAs } from '../support/browser.ts';
import { runCli, type RunningServer, startServer } from '../support/server.ts';

const PASSWORD = 'a long comms password';
const dir = mkdtempSync(join(tmpdir(), 'herald-plan-desk-'));
const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'false' };

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  const out = runCli(env, 'user.ts', 'create', 'comms@example.test', '--role', 'comms', '--password', PASSWORD);
  expect(out.status, out.stderr).toBe(0);
  server = await startServer({}, dir);
  browser = await launchBrowser();
});
afterAll(() => closeBrowserTest(browser, server, dir));

describe('the plan on the desk, without JavaScript', () => {
  it('acknowledges an incident with a plain form post; the incident and reports pages pass axe', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInAs(page, server.url, 'comms@example.test', PASSWORD);
    await page.goto(`${server.url}/admin/incidents/new`);
    await page.getByLabel('Title').fill('Webhooks delayed');
    await page.getByLabel('Severity').selectOption('P1');
    await page.getByLabel('Webhooks').selectOption('degraded_performance');
    await page.getByLabel('Message (markdown)').fill('Webhook deliveries are delayed.');
    await page.getByRole('button', { name: 'Declare incident' }).click();
    await page.waitForURL(/\/admin\/incidents\/INC-\d+\?done=created$/);
    await expectAccessible(page);
    const ref = /INC-\d+/.exec(page.url())![0];
    await page.getByRole('button', { name: `Acknowledge ${ref}` }).click();
    await page.waitForURL(`**/admin/incidents/${ref}?done=acknowledged`);
    await expect.poll(() => page.locator('.acknowledgement').innerText()).toMatch(/acknowledged .* after detection/);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.waitForURL('**/admin/reports');
    expect(await page.getByRole('img', { name: 'Mean time to resolution by month' }).count()).toBe(1);
    await expectAccessible(page);
    await page.goto(`${server.url}/admin/reports?from=2026-03-10&to=2026-03-01`);
    await expectAccessible(page);
    await context.close();
  });
});
