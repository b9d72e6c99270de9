/**
 * The uptime bars in a real browser with JavaScript disabled, as a keyboard and screen-reader
 * user meets them: every day is reached by Tab, announces its label as its accessible name,
 * shows it on focus without any script, and the pages pass axe. Real server, Debian's Chromium.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, expectAccessible, launchBrowser } from '../support/browser.ts';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { adminPost, startServer, type RunningServer } from '../support/server.ts';

const ADMIN_TOKEN = 'uptime-admin-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'herald-uptime-'));
const LIST = 'Public API: uptime by day, last 90 days';

let server: RunningServer;
let browser: Browser;
let ref: string;

async function post(path: string, body: unknown): Promise<{ ref: string }> {
  return adminPost(server.url, ADMIN_TOKEN, path, body);
}

beforeAll(async () => {
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN }, dir);
  ref = (await post('/api/admin/incidents', makeIncident({ title: 'API errors', services: [{ slug: 'api', status: 'partial_outage' }] }))).ref;
  await post(`/api/admin/incidents/${ref}/updates`, makeUpdate({ status: 'resolved', message: 'The API is healthy again.' }));
  browser = await launchBrowser();
}, 120_000);
afterAll(() => closeBrowserTest(browser, server, dir));

/** The focused element as the accessibility tree has it: its role and accessible name. */
async function focused(page: Page): Promise<{ role: string; name: string }> {
  // YAML whose first line is `- listitem "name"` (`- link "name":` before a link's url),
  // single-quoted as a whole when the name holds a colon.
  let line = ((await page.locator(':focus').ariaSnapshot()).trim().split('\n')[0] ?? '').replace(/^- /, '').replace(/:$/, '');
  if (line.startsWith("'")) line = line.slice(1, -1).replace(/''/g, "'");
  const match = /^(\w+) "(.*)"$/.exec(line);
  return { role: match?.[1] ?? line, name: (match?.[2] ?? '').replace(/\\"/g, '"') };
}

/** Presses Tab until focus enters the list named `list`; fails if it never does. */
async function tabInto(page: Page, list: string, max = 200): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((name) => document.activeElement?.closest('ol')?.getAttribute('aria-label') === name, list)) return;
  }
  throw new Error(`Tab never reached the list "${list}"`);
}

const DAY = /^\d{1,2} [A-Z][a-z]{2,3} \d{4}: /; // en-GB writes "Sept"

describe('the uptime days by keyboard, without JavaScript', () => {
  it('walks a service’s 90 days by Tab, oldest to today, reading each label as its accessible name', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/services/api`);
    await expect.poll(() => page.getByRole('list', { name: LIST }).getByRole('listitem').count()).toBe(90);
    await tabInto(page, LIST);
    const names: string[] = [];
    for (let i = 0; i < 90; i++) {
      if (i > 0) await page.keyboard.press('Tab');
      const { role, name } = await focused(page);
      expect(role).toBe('listitem');
      names.push(name);
    }
    expect(names.every((n) => DAY.test(n))).toBe(true);
    expect(new Set(names).size).toBe(90);
    // The service was created today: the days before it have no data; today tells the outage and its incident.
    expect(names[0]).toMatch(/: no data$/);
    expect(names.at(-1)).toMatch(new RegExp(`: partial outage .+ — ${ref}$`));
    // The label is on screen while the day has focus, with no script: drawn by the stylesheet.
    const shown = await page.locator(':focus').evaluate((el) => getComputedStyle(el, '::after').content);
    expect(shown).toBe(JSON.stringify(names.at(-1)));
    // One more Tab leaves the bars.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('ol')?.getAttribute('aria-label') ?? null)).toBeNull();
    await context.close();
  });

  it('reads the outage on a service created minutes ago as a share of the whole day, and names the period', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    for (const path of ['/', '/services/api']) {
      await page.goto(`${server.url}${path}`);
      const figure = (await page.locator('#uptime-api > span').nth(1).textContent()) ?? '';
      // The service was created when the server started: one day counted, whole.
      expect(figure, path).toMatch(/^\d+\.\d\d % uptime today$/);
      expect(Number.parseFloat(figure), path).toBeGreaterThanOrEqual(99);
    }
    await context.close();
  });

  it('tells a day apart by shape as well as colour, in light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ javaScriptEnabled: false, colorScheme });
      const page = await context.newPage();
      await page.goto(`${server.url}/services/api`);
      const list = page.getByRole('list', { name: LIST });
      const box = async (name: RegExp) => (await list.getByRole('listitem', { name }).last().boundingBox())!;
      const outage = await box(/partial outage/);
      const quiet = await box(/no data/);
      // A partial outage is a shorter bar than a day without one; a day without data is hollow.
      expect(outage.height).toBeLessThan(quiet.height * 0.8);
      const fill = await list
        .getByRole('listitem', { name: /no data/ })
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(fill).toBe('rgba(0, 0, 0, 0)');
      await context.close();
    }
  });

  it('passes axe on / and on a service page, light and dark, with reduced motion', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ javaScriptEnabled: false, colorScheme, reducedMotion: 'reduce' });
      const page = await context.newPage();
      for (const path of ['/', '/services/api']) {
        await page.goto(`${server.url}${path}`);
        await expect.poll(() => page.getByRole('list', { name: LIST }).getByRole('listitem').count()).toBe(90);
        await expectAccessible(page);
      }
      await context.close();
    }
  });

  it('reaches the same days on / by keyboard, and skips a service’s 90 days with one link', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await tabInto(page, LIST, 400);
    expect((await focused(page)).name).toMatch(/: no data$/);
    expect(
      await page
        .getByRole('list', { name: LIST })
        .getByRole('listitem', { name: new RegExp(`— ${ref}$`) })
        .count(),
    ).toBe(1);

    // Back at the top: Tab to Public API's skip link, follow it, and the next Tab is the next service.
    await page.goto(`${server.url}/`);
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.textContent === 'Skip Public API’s uptime days')) break;
    }
    expect(await focused(page)).toEqual({ role: 'link', name: 'Skip Public API’s uptime days' });
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toEqual({ role: 'link', name: 'Sign-in and SSO' });
    await context.close();
  });
});
