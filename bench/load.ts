import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawGet } from './raw-get.ts';
import { median } from './stats.ts';
import { wrk, type WrkResult } from './wrk.ts';

export const LOAD = {
  connections: 50,
  durationSeconds: 5,
  rounds: 3,
  warmupSeconds: 2,
  acceptEncoding: 'br, gzip',
  manyConnections: 1000,
  manySeconds: 15,
} as const;

export type LoadRun = WrkResult & {
  target: 'herald' | 'bare';
  /** What the client asked for: `br, gzip` as a browser does, or nothing (curl, wrk, scripts). */
  encoding?: 'compressed' | 'identity';
  round: number;
  /** The server process's CPU time (user + system) per request answered; null off Linux. */
  serverCpuMicrosPerRequest: number | null;
  /** The server's largest resident set seen during the run (sampled every 100 ms), MB. */
  peakRssMb: number | null;
};
type Summary = { requestsPerSecond: number; p99Ms: number; serverCpuMicrosPerRequest: number | null };
export type LoadResult = {
  runs: LoadRun[];
  herald: Summary;
  bare: Summary;
  /** Median Herald requests/s over median bare requests/s. */
  ratio: number;
  /** Bare CPU per request over Herald CPU per request: the ratio with a core each. */
  cpuRatio: number | null;
  /** 1,000 connections at once, each server twice (`runs`); `herald` and `bare` are each's two runs combined. */
  many: { herald: LoadRun; bare: LoadRun; runs: LoadRun[] };
  /** Each server's RSS just before its first request (MB), for what the load added. */
  rssBeforeMb: { herald: number | null; bare: number | null };
};
export type Target = { url: string; pid: number | undefined };

/** Headers node:http writes itself (or that describe this connection only): not recorded. */
const PER_CONNECTION = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** How a server process is started: Node options and environment (`npm start`'s, in the bench). */
export type StartSettings = { nodeArgs: string[]; env: Record<string, string> };

/**
 * Records Herald's `/` as a browser gets it (`Accept-Encoding: br, gzip`), or as a client that
 * asks for no compression gets it (`identity`: no Accept-Encoding, as curl, wrk and scripts
 * send), and starts the bare node:http server that replays those bytes and headers, as its own
 * process, on the same Node with the same settings as Herald (so memory and speed compare like for like).
 */
export async function startBareTwin(
  heraldUrl: string,
  dir: string,
  settings: StartSettings,
  encoding: 'compressed' | 'identity' = 'compressed',
): Promise<{ url: string; child: ChildProcess }> {
  const recorded = await rawGet(`${heraldUrl}/`, encoding === 'identity' ? {} : { 'accept-encoding': LOAD.acceptEncoding });
  if (recorded.status !== 200) throw new Error(`[Bench] Herald's / answered ${recorded.status}.`);
  if (encoding === 'identity' && recorded.headers['content-encoding'])
    throw new Error(`[Bench] Herald answered a request without Accept-Encoding with ${recorded.headers['content-encoding']}.`);
  const headers = Object.fromEntries(Object.entries(recorded.headers).filter(([name]) => !PER_CONNECTION.has(name)));
  const file = join(dir, `home-response-${encoding}.json`);
  writeFileSync(file, JSON.stringify({ status: 200, headers, body: recorded.body.toString('base64') }));

  const child = spawn(process.execPath, [...settings.nodeArgs, join(import.meta.dirname, 'bare-server.ts'), file], {
    env: { ...process.env, ...settings.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`[Bench] The bare server did not start in 10 s:\n${output}`)), 10_000);
    child.stdout?.on('data', () => {
      const match = /Listening at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`[Bench] The bare server exited with ${code}:\n${output}`));
    });
  });
  return { url, child };
}

async function measured(
  target: 'herald' | 'bare',
  round: number,
  server: Target,
  connections: number,
  seconds: number,
  encoding: 'compressed' | 'identity' = 'compressed',
): Promise<LoadRun> {
  const cpuBefore = cpuSeconds(server.pid);
  let peak = rssMb(server.pid);
  const sampler = setInterval(() => {
    const now = rssMb(server.pid);
    if (now !== null && (peak === null || now > peak)) peak = now;
  }, 100);
  const result = await wrk(`${server.url}/`, { connections, seconds, headers: encoding === 'identity' ? {} : { 'accept-encoding': LOAD.acceptEncoding } });
  clearInterval(sampler);
  const cpuAfter = cpuSeconds(server.pid);
  const cpu = cpuBefore !== null && cpuAfter !== null && result.requests ? ((cpuAfter - cpuBefore) * 1e6) / result.requests : null;
  return { ...result, target, encoding, round, serverCpuMicrosPerRequest: cpu === null ? null : Math.round(cpu * 10) / 10, peakRssMb: peak };
}

/**
 * Alternates Herald and the bare twin, `rounds` times each, swapping which goes first every
 * round so neither always gets the quieter moment of a shared machine. Medians over rounds.
 * Then 1,000 connections at once against each.
 */
export async function measureLoad(targets: { herald: Target; bare: Target }, log: (line: string) => void): Promise<LoadResult> {
  const rssBeforeMb = { herald: rssMb(targets.herald.pid), bare: rssMb(targets.bare.pid) };
  for (const target of ['herald', 'bare'] as const)
    await wrk(`${targets[target].url}/`, { connections: LOAD.connections, seconds: LOAD.warmupSeconds, headers: { 'accept-encoding': LOAD.acceptEncoding } });
  const runs: LoadRun[] = [];
  const show = (run: LoadRun) =>
    log(
      `  round ${run.round} ${run.target.padEnd(6)} ${run.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${run.p50Ms} ms  p99 ${run.p99Ms} ms  slowest ${run.maxMs} ms  server CPU ${run.serverCpuMicrosPerRequest ?? '?'} µs/request  peak RSS ${run.peakRssMb ?? '?'} MB  (${run.bytesPerResponse} B/response, ${run.socketErrors} socket errors, ${run.timeouts} timeouts, ${run.errorResponses} error responses)`,
    );
  for (let round = 1; round <= LOAD.rounds; round++) {
    const order = round % 2 ? (['herald', 'bare'] as const) : (['bare', 'herald'] as const);
    for (const target of order) {
      const run = await measured(target, round, targets[target], LOAD.connections, LOAD.durationSeconds);
      runs.push(run);
      show(run);
    }
  }
  // Twice each, Herald, bare, bare, Herald: whichever server meets the first burst of 1,000
  // connects in a run sees wrk time some of them out (it did for either, alone), so neither may
  // always go first; the bar compares the two runs' sums.
  log(`  ${LOAD.manyConnections} connections for ${LOAD.manySeconds} s, twice each:`);
  const manyRuns: LoadRun[] = [];
  for (const [round, target] of [
    [1, 'herald'],
    [1, 'bare'],
    [2, 'bare'],
    [2, 'herald'],
  ] as const) {
    const run = await measured(target, round, targets[target], LOAD.manyConnections, LOAD.manySeconds);
    manyRuns.push(run);
    show(run);
  }
  const manyHerald = combined(manyRuns.filter((run) => run.target === 'herald'));
  const manyBare = combined(manyRuns.filter((run) => run.target === 'bare'));
  const herald = summarize(runs, 'herald');
  const bare = summarize(runs, 'bare');
  const cpuRatio =
    herald.serverCpuMicrosPerRequest && bare.serverCpuMicrosPerRequest ? bare.serverCpuMicrosPerRequest / herald.serverCpuMicrosPerRequest : null;
  return {
    runs,
    herald,
    bare,
    ratio: herald.requestsPerSecond / bare.requestsPerSecond,
    cpuRatio,
    many: { herald: manyHerald, bare: manyBare, runs: manyRuns },
    rssBeforeMb,
  };
}

export type IdentityResult = {
  runs: LoadRun[];
  herald: Summary;
  bare: Summary;
  /** Median Herald requests/s over median bare requests/s, both answering `/` uncompressed. */
  ratio: number;
};

/**
 * `/` for clients that send no Accept-Encoding (wrk's own default, like curl's and most
 * scripts'): Herald against a bare node:http twin replaying the same uncompressed bytes,
 * alternating as `measureLoad` does, medians over rounds.
 */
export async function measureIdentity(targets: { herald: Target; bare: Target }, log: (line: string) => void): Promise<IdentityResult> {
  for (const target of ['herald', 'bare'] as const) await wrk(`${targets[target].url}/`, { connections: LOAD.connections, seconds: LOAD.warmupSeconds });
  const runs: LoadRun[] = [];
  for (let round = 1; round <= LOAD.rounds; round++) {
    const order = round % 2 ? (['herald', 'bare'] as const) : (['bare', 'herald'] as const);
    for (const target of order) {
      const run = await measured(target, round, targets[target], LOAD.connections, LOAD.durationSeconds, 'identity');
      runs.push(run);
      log(
        `  identity round ${run.round} ${run.target.padEnd(6)} ${run.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${run.p50Ms} ms  p99 ${run.p99Ms} ms  server CPU ${run.serverCpuMicrosPerRequest ?? '?'} µs/request  peak RSS ${run.peakRssMb ?? '?'} MB  (${run.bytesPerResponse} B/response, ${run.timeouts} timeouts, ${run.errorResponses} error responses)`,
      );
    }
  }
  const herald = summarize(runs, 'herald');
  const bare = summarize(runs, 'bare');
  return { runs, herald, bare, ratio: herald.requestsPerSecond / bare.requestsPerSecond };
}

/** One target's rounds: median rate, p99 and CPU per request. */
function summarize(runs: readonly LoadRun[], target: LoadRun['target']): Summary {
  const mine = runs.filter((run) => run.target === target);
  const cpu = mine.map((run) => run.serverCpuMicrosPerRequest);
  return {
    requestsPerSecond: median(mine.map((run) => run.requestsPerSecond)),
    p99Ms: median(mine.map((run) => run.p99Ms)),
    serverCpuMicrosPerRequest: cpu.every((value) => value !== null) ? median(cpu as number[]) : null,
  };
}

/** Runs of one target as one: errors and timeouts summed, the largest latency and RSS, the median rate. */
function combined(runs: LoadRun[]): LoadRun {
  const first = runs[0] as LoadRun;
  const sum = (pick: (run: LoadRun) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const max = (pick: (run: LoadRun) => number | null) => (runs.some((run) => pick(run) === null) ? null : Math.max(...runs.map((run) => pick(run) as number)));
  return {
    ...first,
    round: 0,
    requests: sum((run) => run.requests),
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: Math.max(...runs.map((run) => run.p99Ms)),
    maxMs: Math.max(...runs.map((run) => run.maxMs)),
    socketErrors: sum((run) => run.socketErrors),
    timeouts: sum((run) => run.timeouts),
    errorResponses: sum((run) => run.errorResponses),
    serverCpuMicrosPerRequest: max((run) => run.serverCpuMicrosPerRequest),
    peakRssMb: max((run) => run.peakRssMb),
  };
}

/**
 * A process's CPU time so far (user + system, seconds) from /proc/PID/stat, or null where
 * there is no /proc. Fields 14 and 15 count clock ticks, USER_HZ = 100 on Linux.
 */
function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** A process's resident set (VmRSS) in MB, or null where there is no /proc. */
export function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}
