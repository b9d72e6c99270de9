/**
 * Signals on the real server (`npm start`'s build) with a real Prometheus: the service page's
 * charts and measured bars pass axe in light and dark schemes without JavaScript, their table
 * opens without script; and a wrong expression stops the start, naming the service and
 * Prometheus' own words. Debian's Chromium and prometheus.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, expectAccessible, launchBrowser, withPage } from '../support/browser.ts';
import { contentWith, startExporter, startPrometheus, waitFor, type Exporter, type RunningPrometheus } from '../support/prometheus.ts';
import { ROOT, startServer, type RunningServer } from '../support/server.ts';

const API_UP = 'probe_success{service="api"}';
const LATENCY = 'api_latency_ms';
const dir = mkdtempSync(join(tmpdir(), 'herald-signals-browser-'));

let exporter: Exporter;
let prometheus: RunningPrometheus;
let server: RunningServer;
let browser: Browser;
let content: string;

beforeAll(async () => {
  exporter = await startExporter({ [API_UP]: 1, [LATENCY]: 40 });
  prometheus = await startPrometheus(exporter.target);
  await waitFor(async () => (await prometheus.api('/api/v1/query', { query: `count_over_time(${API_UP}[1m])` })).result[0]?.value[1] >= 2, 20_000, 'samples');
  content = contentWith((s) => {
    s.api!.availability = API_UP;
    s.api!.metrics = [{ title: 'Response time', query: LATENCY, unit: 'ms' }];
  });
  server = await startServer({ PROMETHEUS_URL: prometheus.url, CONTENT_DIR: content }, dir);
  // The job runs as the server starts; the follower publishes what it stored.
  await waitFor(async () => (await (await fetch(`${server.url}/services/api`)).text()).includes('data-span="30d"'), 30_000, 'the charts on the page');
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await closeBrowserTest(browser, server, dir);
  await prometheus?.stop();
  prometheus?.remove();
  await exporter?.close();
});

describe('a measured service’s page in a browser, without JavaScript', () => {
  for (const colorScheme of ['light', 'dark'] as const)
    it(`passes axe with its charts and measured bars (${colorScheme})`, async () => {
      await withPage(browser, { javaScriptEnabled: false, colorScheme }, async (page) => {
        await page.goto(`${server.url}/services/api`);
        expect(await page.getByRole('heading', { name: 'Measured by monitoring' }).count()).toBe(1);
        expect(await page.getByRole('img', { name: 'Response time, last 24 hours' }).count()).toBe(1);
        expect(await page.locator('.uptime p.basis').textContent()).toBe('Measured by monitoring');
        await page.locator('summary', { hasText: 'Response time, last 24 hours: the values' }).click();
        expect(await page.getByRole('table').first().isVisible()).toBe(true);
        await expectAccessible(page);
      });
    });
});

describe('the static copy', () => {
  it('carries the charts and measured bars as published (npm run export)', () => {
    const out = mkdtempSync(join(tmpdir(), 'herald-signals-export-'));
    execFileSync(process.execPath, [join(ROOT, 'api', 'cli', 'export.ts'), '--out', out], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'false', CONTENT_DIR: content },
      encoding: 'utf8',
    });
    const file = readdirSync(join(out, 'services')).find((f) => /^api(\.html|$)/.test(f)) as string;
    const path = join(out, 'services', file);
    const html = readFileSync(
      readdirSync(join(out, 'services'), { withFileTypes: true })
        .find((d) => d.name === file)
        ?.isDirectory()
        ? join(path, 'index.html')
        : path,
      'utf8',
    );
    expect(html).toContain('<figure data-span="24h"');
    expect(html).toContain('Measured by monitoring');
  }, 60_000);
});

describe('a wrong expression at start', () => {
  it('stops the server, naming the service and what Prometheus said', async () => {
    const bad = contentWith((s) => {
      s.search!.availability = 'rate(probe_success[5m]';
    });
    const failed = await startServer({ PROMETHEUS_URL: prometheus.url, CONTENT_DIR: bad }).then(
      (running) => running.stop().then(() => 'started'),
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/server exited with 1/);
    expect(failed).toMatch(/\[Signals\] content\/services\.json, service \\?"search\\?" availability: Prometheus refused .*parse error/);
  }, 60_000);
});
