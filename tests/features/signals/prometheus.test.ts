/**
 * Availability and metric charts measured by a real Prometheus (Debian's `prometheus`, scraping
 * every second an exporter this test controls): the figures, bars and charts on the published
 * pages come from what Prometheus answers; with Prometheus stopped the site still publishes at
 * once, keeps the last values, and /healthz names the missing source.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPercent, uptimeWindowStart } from '../../../api/features/services/index.ts';
import { createPrometheusClient, createSignalsJob, sourcesFromCatalogue } from '../../../api/features/signals/index.ts';
import { Catalogue, readContent } from '../../../api/platform/content.ts';
import { silentLog } from '../../../api/platform/log/log.ts';
import { loadAstroRenderer } from '../../../api/site/astro-renderer.ts';
import type { PageRenderer } from '../../../api/site/publisher.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../../support/app.ts';
import { contentWith, startExporter, startPrometheus, waitFor, type Exporter, type RunningPrometheus } from '../../support/prometheus.ts';
import { ROOT } from '../../support/server.ts';

const API_UP = 'probe_success{service="api"}';
const WEB_UP = 'probe_success{service="web-app"}';
const LATENCY = 'api_latency_ms';

let exporter: Exporter;
let prometheus: RunningPrometheus;
let renderPage: PageRenderer;
let content: string;
/** When the api service was turned down and up again (ms). */
let down: { from: number; to: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const page = (t: TestApp, path: string) => t.snapshot.get(path)?.body.toString() ?? '';
/** Herald at the real time, measuring with the test's Prometheus. */
/** The system clock, shaped as the test app's manual clock (which it never is moved like). */
const realClock = () => ({ now: () => new Date(), advance: () => expect.unreachable('a real clock'), set: () => expect.unreachable('a real clock') });
const app = (dir = content) => makeTestApp({ renderPage, start: new Date().toISOString(), env: { PROMETHEUS_URL: prometheus.url, CONTENT_DIR: dir } });

beforeAll(async () => {
  renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
  exporter = await startExporter({ [API_UP]: 1, [WEB_UP]: 1, [LATENCY]: 40 });
  prometheus = await startPrometheus(exporter.target);
  content = contentWith((s) => {
    s.api!.availability = API_UP;
    s.api!.metrics = [{ title: 'Response time', query: LATENCY, unit: 'ms' }];
    s['web-app']!.availability = WEB_UP;
  });
  // Some seconds up, some down, some up again: each second is one sample (and one evaluation).
  await waitFor(async () => (await prometheus.api('/api/v1/query', { query: `count_over_time(${API_UP}[1m])` })).result[0]?.value[1] >= 3, 20_000, 'samples');
  exporter.set(LATENCY, 55);
  await sleep(1500);
  down = { from: Date.now(), to: 0 };
  exporter.set(API_UP, 0);
  await sleep(4000);
  exporter.set(API_UP, 1);
  down.to = Date.now();
  await sleep(2500);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  prometheus?.remove();
  await exporter?.close();
});

describe('signals from a real Prometheus', () => {
  let t: TestApp;

  it('moves the day bar and figure of a service measured down by the share of the time it was down', async () => {
    t = await app();
    await t.herald.signals!.refresh({ charts: true });
    await t.publisher.publish({ incidents: [] });
    const now = t.clock.now();
    // What Prometheus itself says: the service's value every second of today so far.
    // Every whole second of today up to now: the points Herald's subquery evaluates (at Prometheus' 1 s evaluation interval).
    const end = Math.floor(now.getTime() / 1000);
    const seconds = end - uptimeWindowStart(now, 1).getTime() / 1000;
    const range = await prometheus.api('/api/v1/query_range', {
      query: `avg(${API_UP})`,
      start: String(end - Math.min(seconds, 3600) + 1),
      end: String(end),
      step: '1',
    });
    const values = (range.result[0].values as [number, string][]).map((v) => Number(v[1]));
    const downSamples = values.filter((v) => v === 0).length;
    expect(downSamples).toBeGreaterThan(0);
    const expected = formatPercent(values.length, downSamples);
    // It matches the time the test held it down: 4 s of the seconds sampled, give or take a scrape at each edge.
    const measuredShare = (down.to - down.from) / 1000 / values.length;
    expect(Math.abs(downSamples / values.length - measuredShare)).toBeLessThanOrEqual(2.5 / values.length);

    const html = page(t, '/services/api');
    const figure = /<p id="uptime-api"><span>[^<]*<\/span><span>([^<]*)<\/span>/.exec(html)?.[1];
    expect(figure).toBe(`${expected} % uptime today`);
    expect(html).toContain('Measured by monitoring');
    const today = [...html.matchAll(/<li tabindex="0"(?: class="(\w)")? aria-label="([^"]+)"/g)].at(-1);
    expect(today?.[2]).toContain(`${formatPercent(1, downSamples / values.length)} % available, as measured`);
    expect(today?.[1]).toBe('m');

    // Never down: all of today measured up. Not measured: posted status, as before.
    expect(page(t, '/services/web-app')).toMatch(/no downtime measured/);
    expect(/<p id="uptime-web-app"><span>[^<]*<\/span><span>([^<]*)<\/span>/.exec(page(t, '/services/web-app'))?.[1]).toBe('100.00 % uptime today');
    expect(page(t, '/services/auth')).toContain('From posted status');
    expect(page(t, '/services/auth')).not.toContain('Measured by monitoring');
  }, 30_000);

  it('charts each metric on the service page with the points query_range answers, titled and with a table', async () => {
    const html = page(t, '/services/api');
    const figures = [...html.matchAll(/<figure data-span="(\w+)" data-start="([^"]+)" data-end="([^"]+)" data-step="(\d+)">([\s\S]*?)<\/figure>/g)];
    expect(figures.map((f) => f[1])).toEqual(['24h', '7d', '30d']);
    const [, , start, end, step, body] = figures[0] as RegExpMatchArray as [string, string, string, string, string, string];
    expect(body).toMatch(
      /<svg role="img" aria-labelledby="([^"]+)-t \1-d"[^>]*>\s*<title id="\1-t">Response time, last 24 hours<\/title>\s*<desc id="\1-d">(One point, at|\d+ points from) [^<]+ UTC/,
    );
    const answer = await prometheus.api('/api/v1/query_range', {
      query: LATENCY,
      start: String(Date.parse(start) / 1000),
      end: String(Date.parse(end) / 1000),
      step,
    });
    const expected = (answer.result[0].values as [number, string][]).map(([at, v]) => [at, Number(v)]);
    const shown = [...body.matchAll(/<tr data-t="([\d.]+)"><td>.*?<\/td><td data-value="([^"]+)">/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(expected.length).toBeGreaterThan(0);
    expect(shown).toEqual(expected);
    expect(body).toContain(`${expected.at(-1)?.[1]} ms`);
  });

  it('fetches only today again after a restart, not the 90 days it stored', async () => {
    const queries = async () =>
      Number((await prometheus.api('/api/v1/query', { query: 'sum(prometheus_http_requests_total{handler="/api/v1/query"})' })).result[0].value[1]);
    const job = () =>
      createSignalsJob({
        db: t.db,
        clock: t.clock,
        log: silentLog,
        client: createPrometheusClient({ url: prometheus.url, bearerToken: null, basicAuth: null }),
        sources: sourcesFromCatalogue(readContent(content, 'services.json', Catalogue)),
      });
    // The first app stored every day already; a new job (a restarted server) on the same database asks for today only.
    // Prometheus counts its own requests at its next self-scrape (every second): let the earlier tests' queries in first.
    await sleep(1200);
    const before = await queries();
    await job().refresh({ charts: false });
    await sleep(1200);
    const after = await queries();
    // Two services: today's samples and average, and the drop check, each (yesterday too when it ended minutes ago),
    // and this test's own query of the count; 90 days would be hundreds.
    expect(after - before).toBeLessThanOrEqual(2 * 5 + 2);
    expect(after - before).toBeGreaterThanOrEqual(2 * 3);
  }, 20_000);

  it('refuses at start an expression Prometheus cannot parse, naming the service and Prometheus’ words', async () => {
    const bad = contentWith((s) => {
      s.api!.availability = 'probe_success{service="api"';
    });
    await expect(app(bad)).rejects.toThrow(/\[Signals\] content\/services\.json, service "api" availability: Prometheus refused .*parse error/);
  });

  it('tells the drop hook once when a service has been measured at 0 for the time asked, and again after it came back', async () => {
    const told: { slug: string; since: Date }[] = [];
    const clock = { now: () => new Date() };
    const job = createSignalsJob({
      db: t.db,
      clock,
      log: silentLog,
      client: createPrometheusClient({ url: prometheus.url, bearerToken: null, basicAuth: null }),
      sources: { availability: [{ slug: 'web-app', query: WEB_UP }], metrics: [] },
      dropAfterMs: 3000,
      onAvailabilityDrop: (slug, since) => void told.push({ slug, since }),
    });
    exporter.set(WEB_UP, 0);
    const downAt = Date.now();
    await sleep(1500);
    await job.refresh({ charts: false });
    expect(told).toEqual([]); // Down for less than 3 s so far.
    await sleep(3000);
    await job.refresh({ charts: false });
    expect(told.map((d) => d.slug)).toEqual(['web-app']);
    // Since 3 s before the check, which came after the service went down (give or take a scrape).
    expect(told[0]!.since.getTime()).toBeGreaterThanOrEqual(downAt - 1500);
    await job.refresh({ charts: false });
    expect(told).toHaveLength(1);
    exporter.set(WEB_UP, 1);
    await sleep(2000);
    await job.refresh({ charts: false });
    exporter.set(WEB_UP, 0);
    await sleep(4500);
    await job.refresh({ charts: false });
    expect(told.map((d) => d.slug)).toEqual(['web-app', 'web-app']);
    exporter.set(WEB_UP, 1);
  }, 30_000);

  it('proposes a major outage for a service measured down, through the assembled Herald, and resolves it once measured up', async () => {
    const herald = await makeTestApp({
      renderPage,
      clock: realClock(),
      env: { PROMETHEUS_URL: prometheus.url, CONTENT_DIR: content, AVAILABILITY_DROP_SECONDS: '3' },
    });
    const proposals = async () =>
      (await herald.call('GET', '/api/admin/proposals?state=open')).json.proposals as { service: { slug: string }; status: string }[];
    exporter.set(WEB_UP, 0);
    await sleep(4500);
    await herald.herald.signals!.refresh({ charts: false });
    expect(await proposals()).toMatchObject([{ service: { slug: 'web-app' }, status: 'major_outage', origin: 'availability' }]);
    exporter.set(WEB_UP, 1);
    await sleep(2000);
    await herald.herald.signals!.refresh({ charts: false });
    expect(await proposals()).toEqual([]);
    herald.db.close();
  }, 30_000);

  it('publishes at once with Prometheus stopped, keeps the last values, says since when data is missing, and /healthz names the source', async () => {
    await prometheus.stop();
    t.clock.set(new Date());
    await expect(t.herald.signals!.refresh({ charts: true })).rejects.toThrow(/\[Signals\]/);
    const started = performance.now();
    await t.publisher.publish({ incidents: [] });
    expect(performance.now() - started).toBeLessThan(1000);

    const html = page(t, '/services/api');
    expect(html).toContain('Measured by monitoring');
    expect(html).toMatch(/No new data since <time datetime="[^"]+"[^>]*>[^<]+<\/time>: monitoring does not answer/);
    expect(html).toMatch(/<tr data-t="[\d.]+">/);

    const health = await t.app.request('/healthz');
    const body = (await health.json()) as any;
    expect(body.signals).toMatchObject({ state: 'failing', source: prometheus.url });
    expect(body.signals.error).toMatch(/\[Signals\]|ECONNREFUSED/);
    const metrics = await (await t.app.request('/metrics')).text();
    expect(Number(/herald_signal_query_failures_total\{kind="availability"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
  }, 30_000);
});
