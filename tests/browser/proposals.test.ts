/**
 * A status proposal from an alert on the real server, in Chromium without JavaScript: the
 * intake token made by the CLI posts Alertmanager's payload, the dashboard lists the proposal
 * (passing axe), and one click on "Apply" publishes the service's status.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, expectAccessible, launchBrowser, signInAs } from '../support/browser.ts';
import { runCli, type RunningServer, startServer } from '../support/server.ts';
import { alertmanagerPost } from '../features/proposals/alerts.ts';

const PASSWORD = 'a long comms password';
const dir = mkdtempSync(join(tmpdir(), 'herald-proposals-desk-'));
const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'false' };
const cli = (script: string, ...args: string[]) => runCli(env, script, ...args);

let server: RunningServer;
let browser: Browser;
let token: string;
beforeAll(async () => {
  expect(cli('user.ts', 'create', 'comms@example.test', '--role', 'comms', '--password', PASSWORD).status).toBe(0);
  const made = cli('token.ts', 'create', 'alertmanager', '--role', 'intake');
  expect(made.status, made.stderr).toBe(0);
  token = made.stdout.trim().split('\n').at(-1)!.trim();
  server = await startServer({}, dir);
  browser = await launchBrowser();
});
afterAll(() => closeBrowserTest(browser, server, dir));

const banner = async () => /<p class="banner">([\s\S]*?)<\/p>/.exec(await (await fetch(`${server.url}/services/api`)).text())?.[1] ?? '';

describe('a status proposal from an alert, without JavaScript', () => {
  it('is listed on the dashboard and applied with one click', async () => {
    const posted = await fetch(`${server.url}/api/intake/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(alertmanagerPost('ApiDown', { service: 'api', labels: { status_page_status: 'partial_outage' } })),
    });
    expect(posted.status).toBe(200);
    expect(await banner()).toContain('Operational');

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInAs(page, server.url, 'comms@example.test', PASSWORD);
    await page.goto(`${server.url}/admin`);
    await expect.poll(() => page.getByRole('heading', { name: 'Status proposals from alerts' }).count()).toBe(1);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Apply: Public API Partial outage' }).click();
    await page.waitForURL('**/admin?done=proposal-applied');
    await expectAccessible(page);
    expect(await banner()).toContain('Partial outage');
    await context.close();
  }, 60_000);
});
