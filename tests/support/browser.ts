import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { removeDir, ROOT, type RunningServer } from './server.ts';

/** Debian's Chromium; `npx playwright install` has nothing to download here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium on this machine, with nothing that phones home. Close it in `afterAll` (`closeBrowserTest`). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * The end of a browser test file, in the order that leaves nothing running: Chromium closed,
 * then the server stopped, then its directories removed (a setup that failed part-way passes
 * what it has; `undefined` is skipped).
 */
export async function closeBrowserTest(browser: Browser | undefined, server: RunningServer | undefined, ...dirs: (string | undefined)[]): Promise<void> {
  await browser?.close();
  await server?.stop();
  for (const dir of dirs) if (dir) removeDir(dir);
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] as const;

export type AxeViolation = {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; html: string; failureSummary: string }[];
};

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it stands and returns its violations.
 *
 * Works on a page loaded with JavaScript disabled (`javaScriptEnabled: false`), which is the
 * point: the status page must be accessible to a reader whose scripts never ran. In such a
 * context Playwright's `page.evaluate` still runs (it goes through the DevTools protocol, not
 * the page's script permission), and promises and microtasks settle, but Chromium never fires
 * timers or animation frames — and axe schedules its rules with `setTimeout`, so a plain
 * `axe.run` never resolves there. We therefore give axe a virtual clock: its timers go into a
 * queue that this function drains one callback per `evaluate` (so microtasks settle between
 * callbacks, as between real tasks), in due order. The document axe inspects is untouched:
 * the very DOM a no-JS reader gets. Where timers do fire (JavaScript enabled), axe runs on the
 * real clock.
 */
export async function runAxe(page: Page, tags: readonly string[] = AXE_TAGS): Promise<AxeViolation[]> {
  await page.evaluate(`${AXE_SOURCE};void 0`);
  const virtualClock = !(await timersFire(page));
  if (virtualClock) await page.evaluate(installVirtualTimers);
  const options = { runOnly: { type: 'tag', values: [...tags] }, resultTypes: ['violations'] };
  let settled = false;
  const result = page
    .evaluate(async (opts) => {
      const axe = (globalThis as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
      const { violations } = await axe.run(document, opts);
      // Plain data only: axe's node objects carry DOM references.
      return violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target.map(String), html: n.html, failureSummary: n.failureSummary })),
      }));
    }, options)
    .finally(() => (settled = true));
  if (virtualClock) {
    const deadline = Date.now() + 30_000;
    while (!settled) {
      if (Date.now() > deadline) throw new Error('[axe] did not finish in 30 s on a page without JavaScript');
      const ran = await page.evaluate(() => (globalThis as unknown as { __heraldTimers: { step(): boolean } }).__heraldTimers.step());
      if (!ran) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  return result;
}

/** Whether the page's timers fire, i.e. whether JavaScript is enabled in its context. */
async function timersFire(page: Page): Promise<boolean> {
  await page.evaluate(() => {
    const g = globalThis as unknown as { __heraldProbe: boolean };
    g.__heraldProbe = false;
    setTimeout(() => (g.__heraldProbe = true), 0);
  });
  // If a loaded machine is too slow for this, the virtual clock is used: slower, still right.
  for (let i = 0; i < 10; i++) {
    if (await page.evaluate(() => (globalThis as unknown as { __heraldProbe: boolean }).__heraldProbe)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** In the page: timers that wait in a queue for `__heraldTimers.step()` instead of the event loop. */
function installVirtualTimers() {
  type Timer = { id: number; due: number; fn: unknown; args: unknown[] };
  const queue: Timer[] = [];
  let now = 0;
  let next = 1;
  const g = globalThis as unknown as Record<string, unknown>;
  g.setTimeout = (fn: unknown, ms?: number, ...args: unknown[]) => {
    const id = next++;
    queue.push({ id, due: now + Math.max(0, Number(ms) || 0), fn, args });
    return id;
  };
  g.clearTimeout = (id: number) => {
    const at = queue.findIndex((t) => t.id === id);
    if (at >= 0) queue.splice(at, 1);
  };
  g.requestAnimationFrame = (fn: (t: number) => void) => (g.setTimeout as (f: () => void, ms: number) => number)(() => fn(now), 16);
  g.cancelAnimationFrame = g.clearTimeout;
  g.__heraldTimers = {
    /** Runs the earliest due timer; false when none is waiting. */
    step(): boolean {
      queue.sort((a, b) => a.due - b.due || a.id - b.id);
      const timer = queue.shift();
      if (!timer) return false;
      now = timer.due;
      if (typeof timer.fn === 'function') timer.fn(...timer.args);
      return true;
    },
  };
}

/** Violations as a reader can act on them: rule, impact, help link, and each offending node. */
export function formatViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((v) =>
      [
        `${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n  ${v.helpUrl}`,
        ...v.nodes.map((n) => `  - ${n.target.join(' ')}\n    ${n.html}\n    ${n.failureSummary.replace(/\n/g, '\n    ')}`),
      ].join('\n'),
    )
    .join('\n\n');
}

/** Fails with every axe violation on the page, described, when there is any. */
export async function expectAccessible(page: Page): Promise<void> {
  const violations = await runAxe(page);
  expect(violations, `${page.url()}\n${formatViolations(violations)}`).toEqual([]);
}

/** Signs in through the desk's own form, as a person would, and waits for the dashboard. */
export async function signInAs(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/admin`);
}

/** A fresh page in its own context, closed when `use` is done, whatever happens. */
export async function withPage(browser: Browser, options: BrowserContextOptions, use: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext(options);
  try {
    await use(await context.newPage());
  } finally {
    await context.close();
  }
}

/** Signs in with the keyboard alone: the email field takes focus by itself, Tab to the password, Enter. */
export async function signInByKeyboard(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/sign-in`);
  // Typing before the field has taken focus would type into nothing.
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('email');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${baseUrl}/admin`);
}

/** Presses Tab until the focused element matches `selector`, as a keyboard user moves to it. */
export async function tabTo(page: Page, selector: string, max = 150): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}
