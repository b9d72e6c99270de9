/**
 * The desk in a real browser (Debian's Chromium) against the real server: a comms lead signs
 * in, declares a P1 from the template, posts an update and resolves it, checking the public
 * page after each step — with the mouse, with the keyboard only, and without JavaScript — and
 * axe-core finds no violation on any desk page.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, expectAccessible, launchBrowser, signInAs, signInByKeyboard, tabTo } from '../support/browser.ts';
import { runCli, type RunningServer, startServer } from '../support/server.ts';

const PASSWORD = 'a long comms password';
const dir = mkdtempSync(join(tmpdir(), 'herald-desk-'));
const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'false' };
const user = (email: string, role: string) => {
  const out = runCli(env, 'user.ts', 'create', email, '--role', role, '--password', PASSWORD);
  expect(out.status, out.stderr).toBe(0);
};

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  user('comms@example.test', 'comms');
  user('admin@example.test', 'admin');
  server = await startServer({}, dir);
  browser = await launchBrowser();
});
afterAll(() => closeBrowserTest(browser, server, dir));

const publicText = async (page: Page, ref: string) => {
  const response = await page.context().request.get(`${server.url}/incidents/${ref}`);
  expect(response.status()).toBe(200);
  return (await response.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
};

describe('the comms lead with a mouse (JavaScript on)', () => {
  it('signs in, declares a P1 from the template, posts an update and resolves it; every page passes axe', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await expectAccessible(page);
    await page.getByLabel('Email').fill('comms@example.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/admin`);
    await expectAccessible(page);

    await page.getByRole('link', { name: 'New incident' }).first().click();
    await page.waitForURL('**/admin/incidents/new');
    await expectAccessible(page);
    await page.getByLabel('Title').fill('Checkout requests failing');
    await page.getByLabel('Severity').selectOption('P1');
    await page.getByLabel('Public API').selectOption('partial_outage');
    await page.getByLabel('Impact').fill('One in ten API calls fails.');
    await page.getByLabel('Incident commander').fill('ic@example.test');
    const message = page.getByLabel('Message (markdown)');
    await message.fill((await message.inputValue()).replace('[What customers notice, in one or two sentences.]', 'Checkout calls return **503**.'));
    // The live preview fills the template's blanks as the form changes.
    await expect.poll(() => page.locator('[data-preview-target]').innerHTML(), { timeout: 5000 }).toContain('We are investigating a problem with Public API.');
    await expect.poll(() => page.locator('[data-preview-target]').innerHTML()).toContain('<strong>503</strong>');
    // It warns of internals as declaring would, before anything is published.
    await page.getByLabel('Impact').fill('One in ten API calls to db-prod-3 fails.');
    await expect
      .poll(() => page.locator('[data-preview-warnings]').innerText())
      .toBe('Impact: Customers would read this: it looks like an internal host name "db-prod-3".');
    await expectAccessible(page);
    await page.getByLabel('Impact').fill('One in ten API calls fails.');
    await expect.poll(() => page.locator('[data-preview-warnings]').innerText()).toBe('');
    await page.getByRole('button', { name: 'Declare incident' }).click();
    await page.waitForURL('**/admin/incidents/INC-1?done=created');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Incident declared and published.');
    await expectAccessible(page);
    let pub = await publicText(page, 'INC-1');
    expect(pub).toContain('Checkout requests failing');
    expect(pub).toContain('We are investigating a problem with Public API.');
    expect(pub).toContain('Next update by');
    expect(pub).not.toContain('ic@example.test');
    // The plan's internal words go to Slack only: customers read no severity code or commander.
    expect(pub).not.toMatch(/INCIDENT DECLARED|Severity: P|IC:/);

    const update = page.getByLabel('Message (markdown)');
    await page.getByLabel('Status', { exact: true }).selectOption('mitigating');
    await update.fill(
      (await update.inputValue()).replace(
        '[What was done since the last update, and what happens next]',
        'We rolled back the gateway and are watching error rates.',
      ),
    );
    await page.getByRole('button', { name: 'Post update' }).click();
    await page.waitForURL('**/admin/incidents/INC-1?done=updated');
    pub = await publicText(page, 'INC-1');
    expect(pub).toContain('Mitigating');
    expect(pub).toContain('What we are doing: We rolled back the gateway and are watching error rates.');

    await page.getByRole('link', { name: 'Resolve this incident…' }).click();
    await page.waitForURL('**/admin/incidents/INC-1/resolve');
    await expectAccessible(page);
    await page.getByLabel('Root cause').fill('A gateway deploy exhausted its connection pool.');
    await expect.poll(() => page.locator('[data-preview-target]').innerHTML()).toContain('What happened: A gateway deploy exhausted its connection pool.');
    await page.getByRole('button', { name: 'Resolve incident' }).click();
    await page.waitForURL('**/admin/incidents/INC-1?done=resolved');
    pub = await publicText(page, 'INC-1');
    expect(pub).toContain('Resolved');
    expect(pub).toContain('Resolved: Public API');
    expect(pub).toContain('Everything is working normally again.');
    expect(pub).not.toMatch(/INCIDENT RESOLVED|Postmortem: /);
    expect(pub).toContain('Root cause A gateway deploy exhausted its connection pool.');

    for (const path of [
      '/admin',
      '/admin/incidents/INC-1',
      '/admin/incidents/INC-1/updates/1/edit',
      '/admin/audit?ref=INC-1',
      '/admin/services',
      '/admin/account',
    ]) {
      await page.goto(`${server.url}${path}`);
      await expectAccessible(page);
    }
    await context.close();
  });

  it('shows an admin the token and user pages, accessibly, and a created token once', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAs(page, server.url, 'admin@example.test', PASSWORD);
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByLabel('Name').fill('deploy-bot');
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect.poll(() => page.locator('code.token').textContent()).toMatch(/^hrld_/);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.waitForURL('**/admin/users');
    await expectAccessible(page);
    await context.close();
  });
});

describe('the comms lead on a phone', () => {
  it('gets the new-incident form and the dashboard without sideways scrolling at 375 px', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    await signInAs(page, server.url, 'comms@example.test', PASSWORD);
    for (const path of ['/admin', '/admin/incidents/new']) {
      await page.goto(`${server.url}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await context.close();
  });
});

describe('the comms lead with the keyboard only', () => {
  it('signs in, declares an incident, updates and resolves it without touching the mouse', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInByKeyboard(page, server.url, 'comms@example.test', PASSWORD);

    await tabTo(page, 'a.button[href="/admin/incidents/new"]');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/admin/incidents/new');
    await tabTo(page, '#f-title');
    await page.keyboard.type('Search is slow');
    await tabTo(page, '#f-svc-search');
    await page.keyboard.type('Degraded');
    await tabTo(page, '#f-message');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Search results take several seconds. We are investigating.');
    await tabTo(page, 'button[value="post"]');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/admin/incidents/INC-2?done=created');
    let pub = await publicText(page, 'INC-2');
    expect(pub).toContain('Search results take several seconds.');
    expect(
      await page
        .context()
        .request.get(`${server.url}/api/v2/components.json`)
        .then((r) => r.text()),
    ).toMatch(/"name":"Search"[^}]*"status":"degraded_performance"/);

    await tabTo(page, '#f-status');
    await page.keyboard.type('Monitoring');
    await tabTo(page, '#f-message');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('A cache was warmed; results are fast again. Monitoring.');
    await tabTo(page, 'button[value="post"]');
    await page.keyboard.press('Space');
    await page.waitForURL('**/admin/incidents/INC-2?done=updated');
    pub = await publicText(page, 'INC-2');
    expect(pub).toContain('Monitoring');
    expect(pub).toContain('A cache was warmed');

    await tabTo(page, 'a[href="/admin/incidents/INC-2/resolve"]');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/admin/incidents/INC-2/resolve');
    await tabTo(page, '#f-rootCause');
    await page.keyboard.type('A cold search cache after a deploy.');
    await tabTo(page, 'button[value="post"]');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/admin/incidents/INC-2?done=resolved');
    pub = await publicText(page, 'INC-2');
    expect(pub).toContain('Resolved: Search');
    expect(pub).toContain('What happened: A cold search cache after a deploy.');
    await context.close();
  });
});

describe('the comms lead without JavaScript', () => {
  it('previews and declares with plain form posts', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInAs(page, server.url, 'comms@example.test', PASSWORD);
    await page.goto(`${server.url}/admin/incidents/new`);
    await page.getByLabel('Title').fill('Webhooks delayed');
    await page.getByLabel('Severity').selectOption('P2');
    await page.getByLabel('Webhooks').selectOption('degraded_performance');
    await page.getByLabel('Message (markdown)').fill('Webhook deliveries on {{services}} are _delayed_.');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.locator('[data-preview-target]').innerHTML()).toContain('Webhook deliveries on Webhooks are <em>delayed</em>.');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Declare incident' }).click();
    await page.waitForURL('**/admin/incidents/INC-3?done=created');
    expect(await publicText(page, 'INC-3')).toContain('Webhook deliveries on Webhooks are delayed');
    await context.close();
  });
});

describe('errors, without JavaScript', () => {
  it('a refused form comes back with the error beside its field, and a missing incident is a desk page; both pass axe', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInAs(page, server.url, 'comms@example.test', PASSWORD);

    await page.goto(`${server.url}/admin/incidents/new`);
    await page.getByLabel('Title').fill('   ');
    await page.getByLabel('Impact').fill('Typed before the error');
    const refused = page.waitForResponse((r) => r.url().endsWith('/admin/incidents/new') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Declare incident' }).click();
    expect((await refused).status()).toBe(400);
    await expect.poll(() => page.locator('#f-title-error').textContent()).toBe('must not be empty');
    expect(await page.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Impact').inputValue()).toBe('Typed before the error');
    await expectAccessible(page);

    const missing = await page.goto(`${server.url}/admin/incidents/INC-999`);
    expect(missing?.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not found');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Back to the dashboard' }).click();
    await page.waitForURL(`${server.url}/admin`);
    await context.close();
  });
});
