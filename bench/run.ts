/**
 * `npm run bench`: measures the performance bars against a real Herald (built bundle, demo
 * content, its own temporary database) on loopback, writes bench/results/latest.{json,md}
 * and prints a summary. Exits 1 when a bar is missed, 2 when the bench itself fails.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { removeDir, startServer, type RunningServer } from '../tests/support/server.ts';
import { LOAD, measureLoad, startBareTwin } from './load.ts';
import { measurePageSize } from './page-size.ts';
import { measurePublishLatency } from './publish-latency.ts';
import { judge, renderMarkdown, type BenchResults } from './report.ts';

/** The whole bench (about 90 s) must end well within this, or it stops everything. */
const DEADLINE_MS = 5 * 60_000;
const RESULTS = join(import.meta.dirname, 'results');
const log = (line: string) => console.info(line);

const children: { stop(): unknown }[] = [];
const watchdog = setTimeout(() => {
  console.error(`[Bench] Still running after ${DEADLINE_MS / 60_000} min: stopping the servers and giving up.`);
  for (const child of children) child.stop();
  process.exit(2);
}, DEADLINE_MS);

let herald: RunningServer | undefined;
try {
  const adminToken = randomBytes(24).toString('base64url');
  const environment = { node: process.versions.node, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', loadAverageAtStart: loadavg() };
  log(`[Bench] Starting Herald (demo content) on loopback…`);
  herald = await startServer({ HERALD_DEMO: 'true', HERALD_ADMIN_TOKEN: adminToken });
  children.push(herald);

  // Size and load first, so they see the demo content and not the bench's incident.
  log('[Bench] 3. Home page size');
  const pageSize = await measurePageSize(herald.url);
  log(`  br ${pageSize.br} B, gzip ${pageSize.gzip} B, uncompressed ${pageSize.identity} B`);

  log(`[Bench] 2. / under load: ${LOAD.connections} connections, ${LOAD.durationSeconds} s × ${LOAD.rounds} rounds each, Herald vs bare node:http`);
  const bare = await startBareTwin(herald.url, herald.dir);
  children.push({ stop: () => bare.child.kill('SIGTERM') });
  const load = await measureLoad({ herald: { url: herald.url, pid: herald.process.pid }, bare: { url: bare.url, pid: bare.child.pid } }, log);
  bare.child.kill('SIGTERM');
  log(`  medians: Herald ${Math.round(load.herald.requestsPerSecond)} req/s p99 ${load.herald.p99Ms} ms; bare ${Math.round(load.bare.requestsPerSecond)} req/s p99 ${load.bare.p99Ms} ms; ratio ${load.ratio.toFixed(2)}; server CPU per request Herald ${load.herald.serverCpuMicrosPerRequest ?? '?'} µs, bare ${load.bare.serverCpuMicrosPerRequest ?? '?'} µs (bare ÷ Herald ${load.cpuRatio?.toFixed(2) ?? '?'})`);

  log('[Bench] 1. Publish latency: 1 incident, 20 updates');
  const publish = await measurePublishLatency(herald.url, adminToken, 20);
  log(`  p50 ${publish.p50.toFixed(1)} ms, p95 ${publish.p95.toFixed(1)} ms, max ${publish.max.toFixed(1)} ms`);

  const results: BenchResults = {
    ranAt: new Date().toISOString(),
    commit: gitCommit(),
    environment,
    publish,
    load: { ...load, connections: LOAD.connections, durationSeconds: LOAD.durationSeconds, rounds: LOAD.rounds },
    pageSize,
    bars: judge(publish, load, pageSize),
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'latest.md'), renderMarkdown(results));

  log('\n[Bench] Bars');
  for (const bar of results.bars) log(`  ${bar.met ? 'MET   ' : 'MISSED'} ${bar.name.replaceAll('`', '')}: ${bar.measured} (bar ${bar.bar})`);
  log(`\n[Bench] Wrote bench/results/latest.json and bench/results/latest.md.`);
  process.exitCode = results.bars.every((bar) => bar.met) ? 0 : 1;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  if (herald) console.error(`[Bench] Herald's output:\n${herald.output()}`);
  process.exitCode = 2;
} finally {
  clearTimeout(watchdog);
  if (herald) {
    await herald.stop();
    removeDir(herald.dir);
  }
}

/** The commit measured, marked `+dirty` when the tree has uncommitted changes. */
function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}
