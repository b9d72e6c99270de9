/**
 * The Content-Security-Policy in a real browser (Debian's Chromium) against the real server:
 * every public and desk page loads and its own scripts run (local times, the live preview, the
 * countdowns) without a single CSP violation, while a script slipped into the page is blocked
 * and reported — which is what shows the listener would see a violation if there were one.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, launchBrowser } from '../support/browser.ts';
import { makeIncident } from '../support/factories.ts';
import { adminPost, runCli, type RunningServer, startServer } from '../support/server.ts';

const ADMIN_TOKEN = 'csp-admin-token-0123456789abcdef';
const PASSWORD = 'a long comms password';
const dir = mkdtempSync(join(tmpdir(), 'herald-csp-'));

let server: RunningServer;
let browser: Browser;
let ref: string;
beforeAll(async () => {
  const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'false' };
  const out = runCli(env, 'user.ts', 'create', 'comms@example.test', '--role', 'comms', '--password', PASSWORD);
  expect(out.status, out.stderr).toBe(0);
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN }, dir);
  ref = (await adminPost(server.url, ADMIN_TOKEN, '/api/admin/incidents', makeIncident({ title: 'Checkout requests failing' }))).ref;
  browser = await launchBrowser();
});
afterAll(() => closeBrowserTest(browser, server, dir));

type Violation = { directive: string; blocked: string; sample: string; page: string };

/**
 * A context whose pages report every CSP violation: the `securitypolicyviolation` event (from
 * an init script, which the page's own policy does not govern) and Chromium's console errors.
 */
async function watchedContext(): Promise<{ context: BrowserContext; page: Page; violations: Violation[]; consoleErrors: string[] }> {
  const context = await browser.newContext();
  const violations: Violation[] = [];
  const consoleErrors: string[] = [];
  await context.exposeBinding('__reportCspViolation', (_source, v: Violation) => void violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCspViolation(v: unknown): void }).__reportCspViolation({
        directive: e.effectiveDirective,
        blocked: e.blockedURI,
        sample: e.sample,
        page: location.pathname,
      });
    });
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
  return { context, page, violations, consoleErrors };
}

describe('public pages under their CSP', () => {
  it('run their own script and report no violation', async () => {
    const { context, page, violations, consoleErrors } = await watchedContext();
    try {
      for (const path of ['/', `/incidents/${ref}`, '/history', '/services/api', '/no-such-page']) {
        const response = await page.goto(`${server.url}${path}`);
        expect(response?.headers()['content-security-policy'], path).toContain('script-src');
        if (path === '/no-such-page') continue;
        // The page's script gives each time a title in UTC: it ran.
        await expect.poll(() => page.locator('time[data-local]').first().getAttribute('title'), { timeout: 5000 }).toMatch(/GMT$/);
      }
      await page.waitForTimeout(200);
      expect(violations).toEqual([]);
      expect(consoleErrors.filter((m) => /Content.Security.Policy/i.test(m))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('blocks and reports a script slipped into the page', async () => {
    const { context, page, violations } = await watchedContext();
    try {
      await page.goto(`${server.url}/`);
      await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__pwned = true';
        document.body.append(script);
        const img = document.createElement('img');
        img.setAttribute('onerror', 'window.__pwned = true');
        img.src = 'data:,x';
        document.body.append(img);
      });
      await expect.poll(() => violations.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
      expect(violations.map((v) => v.directive)).toEqual(expect.arrayContaining(['script-src-elem', 'script-src-attr']));
      expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    } finally {
      await context.close();
    }
  });
});

describe('the desk under its CSP', () => {
  it('signs in, counts down and previews live, with no violation, and cannot be framed', async () => {
    const { context, page, violations, consoleErrors } = await watchedContext();
    try {
      const signInPage = await page.goto(`${server.url}/admin/sign-in`);
      expect(signInPage?.headers()['content-security-policy']).toMatch(/script-src 'self'( 'sha256-[\w+/=]+')+/);
      await page.getByLabel('Email').fill('comms@example.test');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${server.url}/admin`);
      // The countdown script ticks every second from the server's clock.
      const countdown = page.locator('[data-deadline]').first();
      const first = await countdown.textContent();
      await expect.poll(() => countdown.getAttribute('class'), { timeout: 5000 }).toMatch(/^countdown tone-/);
      expect(first).toBeTruthy();

      await page.goto(`${server.url}/admin/incidents/new`);
      // The customer-facing template does not repeat the title: the live preview follows the message.
      await page.getByLabel('Message (markdown)').fill('Search is _slow_.');
      await expect.poll(() => page.locator('[data-preview-target]').innerHTML(), { timeout: 5000 }).toContain('Search is <em>slow</em>.');

      await page.goto(`${server.url}/admin/incidents/${ref}`);
      await page.waitForTimeout(200);
      expect(violations).toEqual([]);
      expect(consoleErrors.filter((m) => /Content.Security.Policy/i.test(m))).toEqual([]);

      // A page of another site (another origin on this machine) that frames the desk or a
      // public page gets nothing (frame-ancestors 'none'); /embed beside them, made to be
      // framed, shows: the frames did load.
      const framer = createServer((_req, res) =>
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            `<iframe name="desk" src="${server.url}/admin/sign-in"></iframe><iframe name="public" src="${server.url}/"></iframe><iframe name="embed" src="${server.url}/embed"></iframe>`,
          ),
      );
      await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
      try {
        const framing = await context.newPage();
        await framing.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
        const frameNamed = (name: string) => framing.frames().find((f) => f.name() === name);
        await expect.poll(async () => (await frameNamed('embed')?.locator('main').count()) ?? 0, { timeout: 5000 }).toBe(1);
        await framing.waitForTimeout(300);
        expect(await frameNamed('desk')?.locator('form, input').count()).toBe(0);
        expect(frameNamed('desk')?.url()).not.toContain('/admin/sign-in');
        expect(await frameNamed('public')?.locator('main').count()).toBe(0);
      } finally {
        await new Promise<void>((resolve) => framer.close(() => resolve()));
      }
    } finally {
      await context.close();
    }
  });
});
