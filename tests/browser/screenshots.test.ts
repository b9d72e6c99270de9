/**
 * Screenshots of what customers and the comms lead see — the status page during an incident
 * (the demo content), an incident page, a service page and the desk's new-incident form — in
 * light and dark, at a phone's width (375 px) and a laptop's (1280 px), saved under
 * test-results/screenshots/ (git-ignored) for a reviewer to look through after a change.
 * The README's picture is one of them: `cp test-results/screenshots/home-light-1280.png docs/screenshot.png`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, launchBrowser, signInAs } from '../support/browser.ts';
import { ROOT, runCli, type RunningServer, startServer } from '../support/server.ts';

const OUT = join(ROOT, 'test-results', 'screenshots');
const EMAIL = 'comms@example.test';
const PASSWORD = 'a long comms password';
const WIDTHS = [375, 1280] as const;
const HEIGHT: Record<(typeof WIDTHS)[number], number> = { 375: 812, 1280: 900 };
const SCHEMES = ['light', 'dark'] as const;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const dir = mkdtempSync(join(tmpdir(), 'herald-screens-'));
let server: RunningServer;
let browser: Browser;
/** The demo's open incident, whose page is shot. */
let incidentPath: string;

beforeAll(async () => {
  const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'true' };
  const out = runCli(env, 'user.ts', 'create', EMAIL, '--role', 'comms', '--password', PASSWORD);
  expect(out.status, out.stderr).toBe(0);
  // The demo content: past incidents and one still open, as a new install shows them.
  server = await startServer({ HERALD_DEMO: 'true' }, dir);
  const unresolved = (await (await fetch(`${server.url}/api/v2/incidents/unresolved.json`)).json()) as { incidents: { shortlink: string }[] };
  expect(unresolved.incidents.length).toBeGreaterThan(0);
  incidentPath = new URL(unresolved.incidents[0]?.shortlink as string).pathname;
  browser = await launchBrowser();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
});
afterAll(() => closeBrowserTest(browser, server, dir));

/** Width and height from a PNG's IHDR chunk. */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe.each(SCHEMES)('screenshots in the %s scheme', (colorScheme) => {
  it.each(WIDTHS)('of the status page, an incident, a service and the new-incident form at %i px', async (width) => {
    const context = await browser.newContext({
      colorScheme,
      reducedMotion: 'reduce',
      viewport: { width, height: HEIGHT[width] },
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    try {
      const page = await context.newPage();
      const shots: [string, string][] = [
        ['home', '/'],
        ['incident', incidentPath],
        ['service', '/services/api'],
      ];
      const taken: string[] = [];
      for (const [name, path] of shots) {
        const response = await page.goto(`${server.url}${path}`);
        expect(response?.status(), path).toBe(200);
        taken.push(await shoot(page, `${name}-${colorScheme}-${width}`));
      }
      await signInAs(page, server.url, EMAIL, PASSWORD);
      const form = await page.goto(`${server.url}/admin/incidents/new`);
      expect(form?.status()).toBe(200);
      await page.getByLabel('Message (markdown)').waitFor();
      taken.push(await shoot(page, `desk-new-incident-${colorScheme}-${width}`));

      for (const file of taken) {
        const png = readFileSync(file);
        expect(png.subarray(0, 8).equals(PNG_SIGNATURE), file).toBe(true);
        expect(png.length, file).toBeGreaterThan(5000);
        expect(pngSize(png), file).toEqual({ width, height: HEIGHT[width] });
      }
    } finally {
      await context.close();
    }
  });
});

async function shoot(page: import('playwright-core').Page, name: string): Promise<string> {
  const file = join(OUT, `${name}.png`);
  // The page's script has put times in the reader's zone: the shot shows what a reader sees.
  await page.waitForLoadState('load');
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  return file;
}
