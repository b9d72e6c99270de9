/**
 * A draft from an alert on the real server, in Chromium without JavaScript: the intake token
 * made by the CLI posts Alertmanager's payload, the dashboard shows the draft at its top
 * (passing axe), and its plain form releases it to the public page.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, expectAccessible, launchBrowser, signInAs } from '../support/browser.ts';
import { runCli, type RunningServer, startServer } from '../support/server.ts';
import { alertmanagerSample } from '../features/drafts/samples.ts';

const PASSWORD = 'a long comms password';
const dir = mkdtempSync(join(tmpdir(), 'herald-intake-desk-'));
const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'false' };
const cli = (script: string, ...args: string[]) => runCli(env, script, ...args);

let server: RunningServer;
let browser: Browser;
let token: string;
beforeAll(async () => {
  const user = cli('user.ts', 'create', 'comms@example.test', '--role', 'comms', '--password', PASSWORD);
  expect(user.status, user.stderr).toBe(0);
  const made = cli('token.ts', 'create', 'alertmanager', '--role', 'intake');
  expect(made.status, made.stderr).toBe(0);
  expect(made.stdout).toContain('(intake)');
  token = made.stdout.trim().split('\n').at(-1)!.trim();
  server = await startServer({}, dir);
  browser = await launchBrowser();
});
afterAll(() => closeBrowserTest(browser, server, dir));

describe('a draft from an alert, without JavaScript', () => {
  it('is shown at the top of the dashboard and released from its form', async () => {
    const posted = await fetch(`${server.url}/api/intake/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(alertmanagerSample()),
    });
    expect(posted.status).toBe(200);
    const { incident: ref } = (await posted.json()) as { incident: string };
    expect((await fetch(`${server.url}/incidents/${ref}`)).status).toBe(404);
    // The same token reads nothing.
    expect((await fetch(`${server.url}/api/admin/incidents`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInAs(page, server.url, 'comms@example.test', PASSWORD);
    await page.goto(`${server.url}/admin`);
    await expect.poll(() => page.getByRole('heading', { name: 'Drafts from alerts' }).count()).toBe(1);
    await expectAccessible(page);
    await page.goto(`${server.url}/admin/incidents/${ref}`);
    await expect.poll(() => page.getByRole('heading', { name: /^Draft:/ }).count()).toBe(1);
    await expectAccessible(page);
    await page.goto(`${server.url}/admin`);
    // The declaring form's fields: severity and services too, so a release tells customers what is affected.
    await page.getByLabel('Title', { exact: true }).fill('Some pages fail to load');
    await page.getByLabel('Severity').selectOption('P2');
    await page.getByLabel('Web app').selectOption('partial_outage');
    await page.getByLabel('Message (markdown)').fill('Some pages fail to load. We are investigating.');
    await page.getByRole('button', { name: `Release ${ref}` }).click();
    await page.waitForURL(`**/admin/incidents/${ref}?done=released`);
    await expectAccessible(page);
    const pub = await fetch(`${server.url}/incidents/${ref}`);
    expect(pub.status).toBe(200);
    const html = await pub.text();
    expect(html).toContain('Some pages fail to load. We are investigating.');
    expect(html).toContain('Partial outage');
    await context.close();
  }, 60_000);
});
