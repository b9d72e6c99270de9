/**
 * Maintenance on the public pages in a real browser (the real server, Debian's Chromium):
 * readable without JavaScript, and free of axe-core violations in light and dark schemes.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatViolations, launchBrowser, runAxe } from '../support/browser.ts';
import { makeMaintenance } from '../support/factories.ts';
import { removeDir, startServer, type RunningServer } from '../support/server.ts';

const ADMIN_TOKEN = 'maintenance-browser-token-0123456789abcdef';
const HOUR = 3600_000;

let server: RunningServer;
let browser: Browser;

async function post(path: string, body: unknown): Promise<{ ref: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(201);
  return json as { ref: string };
}

async function openPage(options: BrowserContextOptions, use: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext(options);
  try {
    await use(await context.newPage());
  } finally {
    await context.close();
  }
}

async function visit(page: Page, path: string): Promise<void> {
  const response = await page.goto(`${server.url}${path}`);
  expect(response?.status(), path).toBe(200);
}

beforeAll(async () => {
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN });
  const now = Date.now();
  const at = (ms: number) => new Date(now + ms).toISOString();
  await post('/api/admin/maintenance', makeMaintenance({ title: 'CDN certificate rotation', services: ['cdn'], scheduledFor: at(-HOUR), scheduledUntil: at(HOUR) }));
  const upcoming = await post('/api/admin/maintenance', makeMaintenance({ title: 'Database upgrade', scheduledFor: at(24 * HOUR), scheduledUntil: at(26 * HOUR) }));
  await post(`/api/admin/maintenance/${upcoming.ref}/updates`, { message: 'Still **on** for tomorrow.' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (server) removeDir(server.dir);
});

describe('maintenance without JavaScript', () => {
  it('shows the running window and the upcoming one on the home page', () =>
    openPage({ javaScriptEnabled: false }, async (page) => {
      await visit(page, '/');
      const now = page.locator('section[aria-labelledby="maintenance-now"] article.card');
      expect(await now.locator('h3').innerText()).toBe('CDN certificate rotation');
      expect(await now.innerText()).toContain('In progress');
      const soon = page.locator('section[aria-labelledby="maintenance-upcoming"] article.card');
      expect(await soon.locator('h3').innerText()).toBe('Database upgrade');
      expect(await soon.innerText()).toContain('Still on for tomorrow.');
      const cdn = page.locator('section[aria-labelledby="services"] li', { hasText: 'CDN' });
      expect(await cdn.innerText()).toMatch(/Under maintenance/);
    }));

  it('shows a window on its own page with its timeline newest first', () =>
    openPage({ javaScriptEnabled: false }, async (page) => {
      await visit(page, '/maintenance/MNT-2');
      expect(await page.locator('h1').innerText()).toBe('Database upgrade');
      expect(await page.locator('ol.timeline .update-status').allInnerTexts()).toEqual(['Scheduled', 'Scheduled']);
      expect(await page.locator('ol.timeline .message').first().innerText()).toBe('Still on for tomorrow.');
    }));

  for (const path of ['/', '/maintenance/MNT-1', '/maintenance/MNT-2']) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`finds no axe violations on ${path} (${colorScheme} scheme)`, () =>
        openPage({ javaScriptEnabled: false, colorScheme }, async (page) => {
          await visit(page, path);
          const violations = await runAxe(page);
          expect(violations, formatViolations(violations)).toEqual([]);
        }));
    }
  }
});
