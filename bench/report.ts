import type { LoadResult } from './load.ts';
import type { PageSize } from './page-size.ts';
import type { PublishLatency } from './publish-latency.ts';
import { median, round } from './stats.ts';

export const BARS = { publishP95Ms: 1000, loadRatio: 0.5, heraldP99Ms: 20, pageBytes: 20_000 } as const;

export type BenchResults = {
  ranAt: string;
  commit: string;
  environment: { node: string; platform: string; cpus: number; cpuModel: string; loadAverageAtStart: number[] };
  publish: PublishLatency;
  load: LoadResult & { connections: number; durationSeconds: number; rounds: number };
  pageSize: PageSize;
  bars: { name: string; bar: string; measured: string; met: boolean }[];
};

/** Each bar of the issue against what was measured. */
export function judge(publish: PublishLatency, load: LoadResult, page: PageSize): BenchResults['bars'] {
  const ms = (value: number) => `${round(value, 1)} ms`;
  return [
    { name: 'Publish latency p95', bar: `< ${BARS.publishP95Ms} ms`, measured: ms(publish.p95), met: publish.p95 < BARS.publishP95Ms },
    { name: '`/` throughput, Herald ÷ bare node:http', bar: `≥ ${BARS.loadRatio}`, measured: `${load.ratio.toFixed(2)} (server CPU per request: ${load.cpuRatio?.toFixed(2) ?? '?'})`, met: load.ratio >= BARS.loadRatio },
    { name: '`/` p99 latency under load (Herald)', bar: `< ${BARS.heraldP99Ms} ms`, measured: ms(load.herald.p99Ms), met: load.herald.p99Ms < BARS.heraldP99Ms },
    {
      name: 'Home page HTML + CSS, compressed',
      bar: `< ${BARS.pageBytes.toLocaleString('en')} B (br and gzip)`,
      measured: `br ${page.br.toLocaleString('en')} B, gzip ${page.gzip.toLocaleString('en')} B`,
      met: page.br < BARS.pageBytes && page.gzip < BARS.pageBytes,
    },
  ];
}

/** The record committed as bench/results/latest.md. */
export function renderMarkdown(results: BenchResults): string {
  const { publish, load, pageSize: page, environment: env } = results;
  const ms = (value: number | null) => (value === null ? 'never' : round(value, 1).toString());
  const lines = [
    '# Herald bench: latest run',
    '',
    `Run ${results.ranAt} at commit \`${results.commit}\` with \`npm run bench\`, Node ${env.node} on ${env.platform}, ${env.cpus} × ${env.cpuModel} (load average at start ${env.loadAverageAtStart.map((n) => n.toFixed(2)).join(' ')}). Loopback only; the bench process is the load generator and poller, Herald and the bare server are child processes.`,
    '',
    '## Bars',
    '',
    '| Bar | Target | Measured | Met |',
    '| --- | --- | --- | --- |',
    ...results.bars.map((bar) => `| ${bar.name} | ${bar.bar} | ${bar.measured} | ${bar.met ? 'yes' : '**no**'} |`),
    '',
    '## 1. Publish latency',
    '',
    `One incident, then ${publish.posts} updates with distinct messages. After each 201 the bench polls ${publish.urls.map((u) => `\`${u}\``).join(', ')} every ${publish.pollEveryMs} ms until each contains the new message; a sample is the time from the 201 to the last of the four showing it. Percentiles are nearest-rank (p95 of 20 is the 19th smallest).`,
    '',
    `| p50 | p95 | max |`,
    `| --- | --- | --- |`,
    `| ${ms(publish.p50)} ms | ${ms(publish.p95)} ms | ${ms(publish.max)} ms |`,
    '',
    `Samples (ms): ${publish.samples.map(ms).join(', ')}.`,
    '',
    `For context, the POST round trip itself (the publish runs before the 201): median ${ms(median(publish.postRoundTrips))} ms, max ${ms(Math.max(...publish.postRoundTrips))} ms.`,
    '',
    '## 2. `/` under load',
    '',
    `autocannon, ${load.connections} connections, ${load.durationSeconds} s per run, \`Accept-Encoding: br, gzip\`, against Herald and against a bare \`node:http\` server (\`bench/bare-server.ts\`) replaying the same bytes and headers of Herald's \`/\`. ${load.rounds} rounds each, alternating (the first to run swaps every round), after a short warm-up of each. Figures are medians over rounds; autocannon records latency in whole milliseconds.`,
    '',
    '| | requests/s | p99 latency | server CPU per request |',
    '| --- | --- | --- | --- |',
    `| Herald | ${Math.round(load.herald.requestsPerSecond)} | ${load.herald.p99Ms} ms | ${load.herald.serverCpuMicrosPerRequest ?? '?'} µs |`,
    `| bare node:http | ${Math.round(load.bare.requestsPerSecond)} | ${load.bare.p99Ms} ms | ${load.bare.serverCpuMicrosPerRequest ?? '?'} µs |`,
    `| Herald ÷ bare | ${load.ratio.toFixed(2)} | | ${load.cpuRatio?.toFixed(2) ?? '?'} (bare CPU ÷ Herald CPU) |`,
    '',
    'With two cores shared by the load generator and the server, requests/s partly measures the generator: a server that needs less CPU leaves more to autocannon. Server CPU per request (user + system time of the server process from `/proc`, over the requests it answered) does not depend on the generator; bare ÷ Herald is the throughput ratio the two would reach with a core each.',
    '',
    '| Round | Target | requests/s | p50 | p99 | server CPU/request | bytes/response (headers + body) | errors | non-2xx |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...load.runs.map(
      (run) =>
        `| ${run.round} | ${run.target} | ${Math.round(run.requestsPerSecond)} | ${run.p50Ms} ms | ${run.p99Ms} ms | ${run.serverCpuMicrosPerRequest ?? '?'} µs | ${run.bytesPerResponse} | ${run.errors} | ${run.non2xx} |`,
    ),
    '',
    '## 3. Home page size',
    '',
    `\`/\` as served, HTML with its CSS ${page.stylesheets.length ? `plus ${page.stylesheets.join(', ')}` : 'inlined (no external stylesheet)'}, bytes on the wire:`,
    '',
    '| br | gzip | uncompressed |',
    '| --- | --- | --- |',
    `| ${page.br.toLocaleString('en')} B | ${page.gzip.toLocaleString('en')} B | ${page.identity.toLocaleString('en')} B |`,
    '',
    'The machine is shared and noisy: compare the Herald and bare figures of the same run, not absolute numbers across runs.',
    '',
  ];
  return lines.join('\n');
}
