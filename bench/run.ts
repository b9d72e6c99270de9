/**
 * `npm run bench`: measures the performance bars against a real Herald (built bundle, its own
 * temporary databases) on loopback, writes bench/results/latest.{json,md} and prints a
 * summary. Exits 1 when a bar is missed, 2 when the bench itself fails. Herald runs with the
 * Node options and environment of `npm start` (package.json), as in production.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { removeDir, ROOT, startServer, type RunningServer } from '../tests/support/server.ts';
import { measureHeldLock } from './held-lock.ts';
import { measureHistory } from './history.ts';
import { LOAD, measureIdentity, measureLoad, rssMb, startBareTwin } from './load.ts';
import { measureNginx } from './nginx.ts';
import { measurePageSize } from './page-size.ts';
import { measureProcesses } from './processes.ts';
import { measurePublishLatency } from './publish-latency.ts';
import { measureSearchFlood } from './search-flood.ts';
import { judge, renderMarkdown, type BenchResults } from './report.ts';

/**
 * The whole bench must end within this, or it stops everything: about 8 minutes once the seeds
 * are cached in bench/.cache, plus about 5 the first time (10,000 incidents through the commands).
 */
const DEADLINE_MS = 20 * 60_000;
/** When the demo server counts as idle: 10 s after Ready, past V8's memory reducer (about 8 s without work). */
const IDLE_SETTLE_MS = 10_000;
const RESULTS = join(import.meta.dirname, 'results');
const log = (line: string) => console.info(line);

const children: { stop(): unknown }[] = [];
const watchdog = setTimeout(() => {
  console.error(`[Bench] Still running after ${DEADLINE_MS / 60_000} min: stopping the servers and giving up.`);
  for (const child of children) child.stop();
  process.exit(2);
}, DEADLINE_MS);

/** `npm start`'s Node options and environment, e.g. `GLIBC_TUNABLES=… node --max-semi-space-size=2 build/api/server.js`. */
function productionStart(): { nodeArgs: string[]; env: Record<string, string>; command: string } {
  const start = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start as string;
  const match = /((?:[A-Z_]+=\S+\s+)*)node((?:\s+--\S+)*)\s+build\/api\/server\.js/.exec(start);
  if (!match) throw new Error(`[Bench] Cannot read the server command from package.json's start script: ${start}`);
  // At the first '=' only: a value may hold more (GLIBC_TUNABLES=glibc.malloc.arena_max=2:…).
  const env = Object.fromEntries(
    (match[1] ?? '')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return { nodeArgs: (match[2] ?? '').trim().split(/\s+/).filter(Boolean), env, command: match[0] };
}

let herald: RunningServer | undefined;
const started = performance.now();
try {
  const adminToken = randomBytes(24).toString('base64url');
  const production = productionStart();
  const environment = {
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    loadAverageAtStart: loadavg(),
    serverCommand: production.command,
  };
  log(`[Bench] Starting Herald (demo content) on loopback as npm start does: ${production.command}`);
  herald = await startServer({ HERALD_DEMO: 'true', HERALD_ADMIN_TOKEN: adminToken, ...production.env }, undefined, {
    waitFor: 'ready',
    nodeArgs: production.nodeArgs,
  });
  children.push(herald);
  // Idle is read once V8 has settled: its memory reducer shrinks the heap after about 8 s
  // without work. The reading 3 s after Ready is kept beside it.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const earlyRssMb = rssMb(herald.process.pid);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS - 3000));
  const idleRssMb = rssMb(herald.process.pid);
  log(`[Bench] Idle RSS ${idleRssMb} MB ${IDLE_SETTLE_MS / 1000} s after Ready (${earlyRssMb} MB after 3 s)`);

  log('[Bench] Home page size');
  const pageSize = await measurePageSize(herald.url);
  log(`  br ${pageSize.br} B, gzip ${pageSize.gzip} B, uncompressed ${pageSize.identity} B`);

  log(`[Bench] / under load with wrk: ${LOAD.connections} connections, ${LOAD.durationSeconds} s × ${LOAD.rounds} rounds each, Herald vs bare node:http`);
  const bare = await startBareTwin(herald.url, herald.dir, production);
  children.push({ stop: () => bare.child.kill('SIGTERM') });
  const load = await measureLoad({ herald: { url: herald.url, pid: herald.process.pid }, bare: { url: bare.url, pid: bare.child.pid } }, log);
  bare.child.kill('SIGTERM');
  log(
    `  medians: Herald ${Math.round(load.herald.requestsPerSecond)} req/s p99 ${load.herald.p99Ms} ms; bare ${Math.round(load.bare.requestsPerSecond)} req/s p99 ${load.bare.p99Ms} ms; ratio ${load.ratio.toFixed(2)}; CPU ratio ${load.cpuRatio?.toFixed(2) ?? '?'}`,
  );

  log(
    `[Bench] / without Accept-Encoding (wrk's default, like curl's): ${LOAD.connections} connections, ${LOAD.durationSeconds} s × ${LOAD.rounds} rounds each, Herald vs bare node:http serving the same uncompressed bytes`,
  );
  const bareIdentity = await startBareTwin(herald.url, herald.dir, production, 'identity');
  children.push({ stop: () => bareIdentity.child.kill('SIGTERM') });
  const identity = await measureIdentity(
    { herald: { url: herald.url, pid: herald.process.pid }, bare: { url: bareIdentity.url, pid: bareIdentity.child.pid } },
    log,
  );
  bareIdentity.child.kill('SIGTERM');
  log(
    `  medians: Herald ${Math.round(identity.herald.requestsPerSecond)} req/s p99 ${identity.herald.p99Ms} ms; bare ${Math.round(identity.bare.requestsPerSecond)} req/s p99 ${identity.bare.p99Ms} ms; ratio ${identity.ratio.toFixed(2)}`,
  );

  log(
    `[Bench] / through nginx (ops/nginx/herald.conf) vs nginx serving a plain copy of the file vs Herald: wrk, ${LOAD.connections} connections, ${LOAD.durationSeconds} s × ${LOAD.rounds} rounds each`,
  );
  const nginx = await measureNginx({ url: herald.url, snapshotDir: join(herald.dir, 'snapshot') }, log);
  if (nginx)
    log(
      `  medians: through nginx ${Math.round(nginx.medians.nginx.requestsPerSecond)} req/s, plain file ${Math.round(nginx.medians.plain.requestsPerSecond)} req/s, Herald ${Math.round(nginx.medians.herald.requestsPerSecond)} req/s; ratio ${nginx.ratio.toFixed(2)}`,
    );

  log('[Bench] Publish latency on the demo site: 1 incident, 20 updates');
  const publish = await measurePublishLatency(herald.url, adminToken, 20);
  log(`  p50 ${publish.p50.toFixed(1)} ms, p95 ${publish.p95.toFixed(1)} ms, max ${publish.max.toFixed(1)} ms`);
  await herald.stop();
  removeDir(herald.dir);
  herald = undefined;

  log('[Bench] Years of history: 100, 1,000 and 10,000 incidents over two years, 200 services');
  const history = await measureHistory({ nodeArgs: production.nodeArgs, env: production.env, adminToken, log, children });

  log('[Bench] Two processes on one database: a write through one, seen on the other');
  const processes = await measureProcesses({ nodeArgs: production.nodeArgs, env: production.env, adminToken, children });
  log(`  p50 ${processes.p50} ms, p95 ${processes.p95} ms, max ${processes.max} ms over ${processes.writes} writes`);

  log('[Bench] `/` under a search flood: 3,000 incidents');
  const searchFlood = await measureSearchFlood({ nodeArgs: production.nodeArgs, env: production.env, log, children });
  log('[Bench] / while another process holds the write lock (sqlite3, BEGIN EXCLUSIVE), against no lock');
  const heldLock = await measureHeldLock({ nodeArgs: production.nodeArgs, env: production.env, adminToken, children });
  log(
    `  p99 ${heldLock.locked.p99Ms} ms (no lock ${heldLock.unlocked.p99Ms} ms), ${heldLock.locked.timeouts} timeouts; the write: ${heldLock.write.status}, ${heldLock.write.answeredAfterReleaseMs} ms after the lock was let go`,
  );

  const results: BenchResults = {
    ranAt: new Date().toISOString(),
    commit: gitCommit(),
    environment,
    benchSeconds: 0,
    idleRssMb,
    earlyRssMb,
    publish,
    load: { ...load, connections: LOAD.connections, durationSeconds: LOAD.durationSeconds, rounds: LOAD.rounds },
    identity,
    pageSize,
    history,
    processes,
    nginx,
    searchFlood,
    heldLock,
    bars: [],
  };
  results.bars = judge(results);
  results.benchSeconds = Math.round((performance.now() - started) / 1000);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'latest.md'), renderMarkdown(results));

  log('\n[Bench] Bars');
  for (const bar of results.bars) log(`  ${bar.met ? 'MET   ' : 'MISSED'} ${bar.name.replaceAll('`', '')}: ${bar.measured} (bar ${bar.bar})`);
  log(`\n[Bench] Wrote bench/results/latest.json and bench/results/latest.md (${results.benchSeconds} s).`);
  process.exitCode = results.bars.every((bar) => bar.met) ? 0 : 1;
} catch (error) {
  console.error(error instanceof Error ? error.stack : error);
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
