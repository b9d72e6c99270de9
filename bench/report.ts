import { HELD_LOCK, type HeldLockResult } from './held-lock.ts';
import type { HistoryRun } from './history.ts';
import type { IdentityResult, LoadResult, LoadRun } from './load.ts';
import type { NginxBench } from './nginx.ts';
import type { PageSize } from './page-size.ts';
import type { ProcessesResult } from './processes.ts';
import type { PublishLatency } from './publish-latency.ts';
import { searchFloodMarkdown, type SearchFloodResult } from './search-flood.ts';
import { median, round } from './stats.ts';

export const BARS = {
  loadRatio: 0.75,
  /** Clients that send no Accept-Encoding (curl, wrk, scripts). */
  identityRatio: 0.5,
  heraldP99Ms: 10,
  idleRssMb: 120,
  loadRssMb: 160,
  publishP95Ms: 100,
  /** "Flat": p95 at the largest history within this factor of p95 at the smallest. */
  flatFactor: 2,
  exportSeconds: 60,
  firstHomeMs: 5000,
  processesP95Ms: 1000,
  pageBytes: 20_000,
  /** `/` through nginx in front of Herald, over nginx serving a plain file of the same bytes. */
  nginxRatio: 0.9,
  /** `/` requests/s under one address's search flood, over `/` requests/s under a flood of `/` itself as large. */
  searchFloodRatio: 0.5,
} as const;

export type BenchResults = {
  ranAt: string;
  commit: string;
  environment: { node: string; platform: string; cpus: number; cpuModel: string; loadAverageAtStart: number[]; serverCommand: string };
  benchSeconds: number;
  /** 10 s after Ready, with no requests (see IDLE_SETTLE_MS in bench/run.ts). */
  idleRssMb: number | null;
  /** 3 s after Ready. */
  earlyRssMb: number | null;
  publish: PublishLatency;
  load: LoadResult & { connections: number; durationSeconds: number; rounds: number };
  identity: IdentityResult;
  pageSize: PageSize;
  history: HistoryRun[];
  processes: ProcessesResult;
  /** Null where nginx is not installed. */
  nginx: NginxBench | null;
  searchFlood: SearchFloodResult;
  heldLock: HeldLockResult;
  bars: { name: string; bar: string; measured: string; met: boolean }[];
};

/** Each bar of the issue against what was measured. */
export function judge(r: BenchResults): BenchResults['bars'] {
  const ms = (value: number) => `${round(value, 1)} ms`;
  const { load, history } = r;
  const largest = history.at(-1) as HistoryRun;
  const smallest = history[0] as HistoryRun;
  const peakOf = (target: LoadRun['target']) =>
    Math.max(
      ...[...load.runs, ...r.identity.runs, load.many[target]].filter((run) => run.target === target).map((run) => run.peakRssMb ?? Number.POSITIVE_INFINITY),
    );
  const peakRss = peakOf('herald');
  // What the load added, beside what it added to bare node:http started with the same settings.
  const grew = (target: LoadRun['target']) => `${load.rssBeforeMb[target] ?? '?'} → ${peakOf(target)} MB`;
  return [
    {
      name: '`/` throughput, Herald ÷ bare node:http (wrk, 50 connections, medians)',
      bar: `≥ ${BARS.loadRatio}`,
      measured: `${load.ratio.toFixed(2)} (server CPU per request: ${load.cpuRatio?.toFixed(2) ?? '?'})`,
      met: load.ratio >= BARS.loadRatio,
    },
    {
      name: '`/` without Accept-Encoding, Herald ÷ bare node:http serving the same uncompressed bytes (wrk, 50 connections, medians)',
      bar: `≥ ${BARS.identityRatio}`,
      measured: `${r.identity.ratio.toFixed(2)} (Herald ${Math.round(r.identity.herald.requestsPerSecond)} req/s, bare ${Math.round(r.identity.bare.requestsPerSecond)} req/s)`,
      met: r.identity.ratio >= BARS.identityRatio,
    },
    {
      name: '`/` p99 latency under load (Herald, 50 connections)',
      bar: `< ${BARS.heraldP99Ms} ms`,
      measured: ms(load.herald.p99Ms),
      met: load.herald.p99Ms < BARS.heraldP99Ms,
    },
    {
      name: '1,000 connections for 15 s, twice each: error responses, and timeouts against bare',
      bar: '0 errors; timeouts ≤ bare',
      measured: `Herald ${load.many.herald.errorResponses} error responses, ${load.many.herald.timeouts} timeouts, ${load.many.herald.socketErrors} socket errors, slowest ${load.many.herald.maxMs} ms; bare ${load.many.bare.timeouts} timeouts, ${load.many.bare.socketErrors} socket errors, slowest ${load.many.bare.maxMs} ms`,
      met: load.many.herald.errorResponses === 0 && load.many.herald.timeouts <= load.many.bare.timeouts,
    },
    {
      name: 'RSS idle (demo site)',
      bar: `≤ ${BARS.idleRssMb} MB`,
      measured: `${r.idleRssMb ?? '?'} MB 10 s after Ready (3 s after: ${r.earlyRssMb ?? '?'} MB; 10,000 incidents: ${largest.idleRssMb ?? '?'} MB)`,
      met: (r.idleRssMb ?? Infinity) <= BARS.idleRssMb,
    },
    {
      name: 'RSS under load (peak, up to 1,000 connections, compressed and identity)',
      bar: `≤ ${BARS.loadRssMb} MB`,
      measured: `${peakRss} MB (Herald ${grew('herald')}; bare node:http, same Node settings, ${grew('bare')})`,
      met: peakRss <= BARS.loadRssMb,
    },
    {
      name: 'Publish → visible p95, 10,000 incidents, 200 services',
      bar: `< ${BARS.publishP95Ms} ms`,
      measured: ms(largest.publish.p95),
      met: largest.publish.p95 < BARS.publishP95Ms,
    },
    {
      name: 'Publish → visible p95 flat from 100 to 10,000 incidents',
      bar: `p95 at 10,000 ≤ ${BARS.flatFactor}× p95 at 100`,
      measured: history.map((h) => `${h.incidents.toLocaleString('en')}: ${ms(h.publish.p95)}`).join(', '),
      met: largest.publish.p95 <= BARS.flatFactor * smallest.publish.p95,
    },
    {
      name: 'Full export, 10,000 incidents',
      bar: `< ${BARS.exportSeconds} s`,
      measured: `${largest.exportSeconds ?? '?'} s (${largest.exportFiles ?? '?'} files)`,
      met: (largest.exportSeconds ?? Infinity) < BARS.exportSeconds,
    },
    {
      name: 'Start on an empty snapshot directory: `/` served, 10,000 incidents',
      bar: `< ${BARS.firstHomeMs / 1000} s`,
      measured: ms(largest.firstHomeMs),
      met: largest.firstHomeMs < BARS.firstHomeMs,
    },
    {
      name: 'Two processes: a write through one visible on the other, p95',
      bar: `< ${BARS.processesP95Ms} ms`,
      measured: ms(r.processes.p95),
      met: r.processes.p95 < BARS.processesP95Ms,
    },
    searchFloodBar(r.searchFlood),
    {
      name: '`/` while another process holds the write lock (50 connections)',
      bar: 'p99 ≤ 2× p99 with no lock; 0 timeouts; the write posted meanwhile lands after',
      measured: `p99 ${ms(r.heldLock.locked.p99Ms)} (no lock ${ms(r.heldLock.unlocked.p99Ms)}), ${r.heldLock.locked.timeouts} timeouts; the write ${r.heldLock.write.status}, ${ms(r.heldLock.write.answeredAfterReleaseMs)} after the lock went`,
      met:
        r.heldLock.locked.p99Ms <= 2 * r.heldLock.unlocked.p99Ms &&
        r.heldLock.locked.timeouts === 0 &&
        r.heldLock.write.status === 201 &&
        r.heldLock.write.answeredAfterReleaseMs >= 0,
    },
    {
      name: 'Home page HTML + CSS, compressed (demo site)',
      bar: `< ${BARS.pageBytes.toLocaleString('en')} B (br and gzip)`,
      measured: `br ${r.pageSize.br.toLocaleString('en')} B, gzip ${r.pageSize.gzip.toLocaleString('en')} B`,
      met: r.pageSize.br < BARS.pageBytes && r.pageSize.gzip < BARS.pageBytes,
    },
    ...(r.nginx
      ? [
          {
            name: '`/` through nginx (ops/nginx/herald.conf) ÷ nginx serving a plain file of the same bytes (wrk, 50 connections, medians)',
            bar: `≥ ${BARS.nginxRatio}`,
            measured: `${r.nginx.ratio.toFixed(2)} (${Math.round(r.nginx.medians.nginx.requestsPerSecond)} vs ${Math.round(r.nginx.medians.plain.requestsPerSecond)} req/s; Herald alone ${Math.round(r.nginx.medians.herald.requestsPerSecond)} req/s)`,
            met: r.nginx.ratio >= BARS.nginxRatio,
          },
        ]
      : []),
  ];
}

const loadRow = (run: LoadRun) =>
  `| ${run.round || '1,000 conn.'} | ${run.target} | ${Math.round(run.requestsPerSecond)} | ${run.p50Ms} ms | ${run.p99Ms} ms | ${run.maxMs} ms | ${run.serverCpuMicrosPerRequest ?? '?'} µs | ${run.peakRssMb ?? '?'} MB | ${run.bytesPerResponse} | ${run.socketErrors} | ${run.timeouts} | ${run.errorResponses} |`;

/** The record committed as bench/results/latest.md. */
export function renderMarkdown(results: BenchResults): string {
  const { publish, load, pageSize: page, environment: env, history, processes } = results;
  const ms = (value: number | null) => (value === null || !Number.isFinite(value) ? 'never' : round(value, 1).toString());
  return [
    '# Herald bench: latest run',
    '',
    `Run ${results.ranAt} at commit \`${results.commit}\` with \`npm run bench\` (${results.benchSeconds} s), Node ${env.node} on ${env.platform}, ${env.cpus} × ${env.cpuModel} (load average at start ${env.loadAverageAtStart.map((n) => n.toFixed(2)).join(' ')}). Herald runs as \`npm start\` runs it: \`${env.serverCommand}\`. Loopback only; the bench process is the load generator's parent and the poller, Herald and the bare server are child processes on the same Node.`,
    '',
    '## Bars',
    '',
    '| Bar | Target | Measured | Met |',
    '| --- | --- | --- | --- |',
    ...results.bars.map((bar) => `| ${bar.name} | ${bar.bar} | ${bar.measured} | ${bar.met ? 'yes' : '**no**'} |`),
    '',
    '## 1. `/` under load (demo site)',
    '',
    `wrk 4.1, one thread, \`Accept-Encoding: br, gzip\`, against Herald and against a bare \`node:http\` server (\`bench/bare-server.ts\`) replaying the same bytes and headers of Herald's \`/\`. ${load.rounds} rounds of ${load.durationSeconds} s at ${load.connections} connections each, alternating (the first to run swaps every round), after a ${LOADWARMUP} s warm-up of each; medians over rounds. Then 1,000 connections for 15 s, twice each, in the order Herald, bare, bare, Herald (a server meets each run's burst of 1,000 connects cold or warm in turn, so neither always goes first); the bar compares the sums. "Slowest" is wrk's largest latency: a connection the server accepts late waits that long for its first answer (Herald listens on one socket with a backlog of 4,096 unless LISTEN_SOCKETS asks for more, see \`api/platform/http/listen.ts\`; the bare server listens as Node does by default). Peak RSS is sampled every 100 ms from /proc.`,
    '',
    '| | requests/s | p99 latency | server CPU per request |',
    '| --- | --- | --- | --- |',
    `| Herald | ${Math.round(load.herald.requestsPerSecond)} | ${load.herald.p99Ms} ms | ${load.herald.serverCpuMicrosPerRequest ?? '?'} µs |`,
    `| bare node:http | ${Math.round(load.bare.requestsPerSecond)} | ${load.bare.p99Ms} ms | ${load.bare.serverCpuMicrosPerRequest ?? '?'} µs |`,
    `| Herald ÷ bare | ${load.ratio.toFixed(2)} | | ${load.cpuRatio?.toFixed(2) ?? '?'} (bare CPU ÷ Herald CPU) |`,
    '',
    '| Round | Target | requests/s | p50 | p99 | slowest | server CPU/request | peak RSS | bytes/response | socket errors | timeouts | error responses |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...load.runs.map(loadRow),
    ...load.many.runs.map((run) => loadRow({ ...run, round: 0 }).replace('| 1,000 conn. |', `| 1,000 conn. (${run.round}) |`)),
    '',
    '### `/` without Accept-Encoding',
    '',
    `The same rounds with no Accept-Encoding header (wrk's default, as curl and most scripts send), against a second bare twin replaying Herald's uncompressed \`/\` (${results.pageSize.identity.toLocaleString('en')} B).`,
    '',
    '| | requests/s | p99 latency | server CPU per request |',
    '| --- | --- | --- | --- |',
    `| Herald | ${Math.round(results.identity.herald.requestsPerSecond)} | ${results.identity.herald.p99Ms} ms | ${results.identity.herald.serverCpuMicrosPerRequest ?? '?'} µs |`,
    `| bare node:http | ${Math.round(results.identity.bare.requestsPerSecond)} | ${results.identity.bare.p99Ms} ms | ${results.identity.bare.serverCpuMicrosPerRequest ?? '?'} µs |`,
    `| Herald ÷ bare | ${results.identity.ratio.toFixed(2)} | | |`,
    '',
    '| Round | Target | requests/s | p50 | p99 | slowest | server CPU/request | peak RSS | bytes/response | socket errors | timeouts | error responses |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.identity.runs.map(loadRow),
    '',
    `Idle RSS of the demo server before the load, with no requests: ${results.idleRssMb ?? '?'} MB 10 s after Ready (${results.earlyRssMb ?? '?'} MB after 3 s; V8's memory reducer shrinks the heap after about 8 s without work). Just before the first request: Herald ${load.rssBeforeMb.herald ?? '?'} MB, bare ${load.rssBeforeMb.bare ?? '?'} MB. The bare server runs with Herald's Node options and environment (\`${results.environment.serverCommand}\`), so the two compare like for like.`,
    '',
    '## 2. Years of history (200 services, incidents spread over two years by `npm run seed`)',
    '',
    "For each size: Herald starts on an empty snapshot directory and `/` is polled from the spawn until it answers 200 (the server is then stopped; the rest of the site would render in the background). Then `npm run export -- --snapshot-only` renders every page in a fresh process, as Herald writes them, without a static host's search index and short-link pages (files counted without their .br and .gz copies). Then Herald starts on the exported directory, which it takes as its snapshot, and 20 updates are posted to one incident; after each 201 the bench polls `/`, the incident page, `/feed.xml` and `/api/v2/summary.json` every 5 ms until all four show the new message (nearest-rank percentiles).",
    '',
    '| incidents | `/` from spawn (empty snapshot) | full export | first write after start | publish → visible p50 | p95 | max | POST round trip (median) | idle RSS | seed (s, cached when blank) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...history.map(
      (h) =>
        `| ${h.incidents.toLocaleString('en')} | ${ms(h.firstHomeMs)} ms | ${h.exportFiles ?? '?'} files in ${h.exportSeconds ?? '?'} s | ${ms(h.publish.firstWriteMs)} ms | ${ms(h.publish.p50)} ms | ${ms(h.publish.p95)} ms | ${ms(h.publish.max)} ms | ${ms(median(h.publish.postRoundTrips))} ms | ${h.idleRssMb ?? '?'} MB | ${h.seedSeconds ?? ''} |`,
    ),
    '',
    '## 3. Two processes on one database',
    '',
    `Two servers on one libSQL file, each with its own snapshot directory. ${processes.writes} writes alternately through each; after each 201 the bench polls the other's \`/\` every 5 ms until it shows the new incident. Each process polls the publish sequence every 250 ms.`,
    '',
    `p50 ${ms(processes.p50)} ms, p95 ${ms(processes.p95)} ms, max ${ms(processes.max)} ms. Samples (ms): ${processes.samples.join(', ')}.`,
    '',
    '## 4. `/` while another process holds the write lock',
    '',
    `wrk, ${heldLockMethod()}`,
    '',
    '| | requests/s | p50 | p99 | slowest | timeouts |',
    '| --- | --- | --- | --- | --- | --- |',
    ...(['unlocked', 'locked'] as const).map(
      (k) =>
        `| ${k === 'locked' ? 'lock held' : 'no lock'} | ${Math.round(results.heldLock[k].requestsPerSecond)} | ${results.heldLock[k].p50Ms} ms | ${results.heldLock[k].p99Ms} ms | ${results.heldLock[k].maxMs} ms | ${results.heldLock[k].timeouts} |`,
    ),
    '',
    `The write posted as the lock was taken answered ${results.heldLock.write.status}, ${ms(results.heldLock.write.answeredAfterReleaseMs)} ms after the lock was let go.`,
    '',
    '## 5. Publish latency on the demo site',
    '',
    `| p50 | p95 | max |`,
    `| --- | --- | --- |`,
    `| ${ms(publish.p50)} ms | ${ms(publish.p95)} ms | ${ms(publish.max)} ms |`,
    '',
    '## 6. Home page size (demo site)',
    '',
    '| br | gzip | uncompressed |',
    '| --- | --- | --- |',
    `| ${page.br.toLocaleString('en')} B | ${page.gzip.toLocaleString('en')} B | ${page.identity.toLocaleString('en')} B |`,
    '',
    '## 6. nginx in front (demo site)',
    '',
    results.nginx
      ? [
          `\`/\` with \`Accept-Encoding: br, gzip\`: nginx 1 worker configured by \`npm run -s nginx-config\` serving Herald's snapshot directory, nginx 1 worker serving a directory holding only a copy of the same \`index.html\` and its .br/.gz (gzip_static, brotli_static, nothing else), and Herald alone. wrk as in section 1, ${load.rounds} rounds of ${load.durationSeconds} s at ${load.connections} connections, the order rotating each round; medians.`,
          '',
          '| | requests/s | p99 latency |',
          '| --- | --- | --- |',
          `| through nginx | ${Math.round(results.nginx.medians.nginx.requestsPerSecond)} | ${results.nginx.medians.nginx.p99Ms} ms |`,
          `| nginx, plain file | ${Math.round(results.nginx.medians.plain.requestsPerSecond)} | ${results.nginx.medians.plain.p99Ms} ms |`,
          `| Herald alone | ${Math.round(results.nginx.medians.herald.requestsPerSecond)} | ${results.nginx.medians.herald.p99Ms} ms |`,
          `| through nginx ÷ plain file | ${results.nginx.ratio.toFixed(2)} | |`,
          `| through nginx ÷ Herald alone | ${results.nginx.overHerald.toFixed(2)} | |`,
        ].join('\n')
      : 'Skipped: nginx is not installed.',
    '',
    '## 7. `/` under a search flood',
    '',
    ...searchFloodMarkdown(results.searchFlood),
    '',
    'The machine is shared and noisy: compare the Herald and bare figures of the same run, not absolute numbers across runs.',
    '',
  ].join('\n');
}

const LOADWARMUP = 2;

/**
 * A search flood from one address costs `/` no more than half what a crowd as large asking for
 * `/` itself costs it: `/` keeps at least half the throughput it keeps under that crowd. (The
 * p99s are reported beside it; over 8-second rounds on a shared machine they are too noisy for a bar.)
 */
function searchFloodBar(result: SearchFloodResult): BenchResults['bars'][number] {
  const [alone, crowd, search] = result.cases;
  const ratio = search && crowd ? search.home.requestsPerSecond / crowd.home.requestsPerSecond : Number.NaN;
  const ms = (value: number | undefined) => `${value ?? '?'} ms`;
  return {
    name: "`/` under one address's search flood (16 connections, `/search?q=e`, 3,000 incidents), against a flood of `/` itself as large: requests/s",
    bar: `≥ ${BARS.searchFloodRatio}×`,
    measured: `${ratio.toFixed(2)} (${Math.round(search?.home.requestsPerSecond ?? 0)} against ${Math.round(crowd?.home.requestsPerSecond ?? 0)} req/s); \`/\` p99 ${ms(search?.home.p99Ms)} under the search flood, ${ms(crowd?.home.p99Ms)} under the \`/\` flood, ${ms(alone?.home.p99Ms)} alone`,
    met: ratio >= BARS.searchFloodRatio,
  };
}
/** How section 4 was measured. */
const heldLockMethod = () =>
  `one thread, ${HELD_LOCK.connections} connections for ${HELD_LOCK.seconds} s on the demo site's \`/\`, first with no lock, then while \`sqlite3\` holds the database in BEGIN EXCLUSIVE (\`bench/held-lock.ts\`); a write is posted as the lock is taken.`;
