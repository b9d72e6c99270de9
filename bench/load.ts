import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { rawGet } from './raw-get.ts';
import { median } from './stats.ts';

export const LOAD = { connections: 50, durationSeconds: 10, rounds: 3, warmupSeconds: 2, acceptEncoding: 'br, gzip' } as const;

export type LoadRun = {
  target: 'herald' | 'bare';
  round: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The server process's CPU time (user + system) per request answered; null off Linux. */
  serverCpuMicrosPerRequest: number | null;
  bytesPerResponse: number;
  errors: number;
  non2xx: number;
};
type Summary = { requestsPerSecond: number; p99Ms: number; serverCpuMicrosPerRequest: number | null };
export type LoadResult = {
  runs: LoadRun[];
  herald: Summary;
  bare: Summary;
  /** Median Herald requests/s over median bare requests/s. */
  ratio: number;
  /**
   * Bare CPU per request over Herald CPU per request: the throughput ratio if each server had
   * a core to itself. On two shared cores the load generator competes with the server, so
   * requests/s alone understates the difference; this does not depend on the generator.
   */
  cpuRatio: number | null;
};
export type Target = { url: string; pid: number | undefined };

/** Headers node:http writes itself (or that describe this connection only): not recorded. */
const PER_CONNECTION = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/**
 * Records Herald's `/` as a browser gets it (`Accept-Encoding: br, gzip`) and starts the
 * bare node:http server that replays those bytes and headers, as its own process.
 */
export async function startBareTwin(heraldUrl: string, dir: string): Promise<{ url: string; child: ChildProcess }> {
  const recorded = await rawGet(`${heraldUrl}/`, { 'accept-encoding': LOAD.acceptEncoding });
  if (recorded.status !== 200) throw new Error(`[Bench] Herald's / answered ${recorded.status}.`);
  const headers = Object.fromEntries(Object.entries(recorded.headers).filter(([name]) => !PER_CONNECTION.has(name)));
  const file = join(dir, 'home-response.json');
  writeFileSync(file, JSON.stringify({ status: 200, headers, body: recorded.body.toString('base64') }));

  const child = spawn(process.execPath, [join(import.meta.dirname, 'bare-server.ts'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
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

async function hammer(url: string, durationSeconds: number) {
  return autocannon({
    url: `${url}/`,
    connections: LOAD.connections,
    duration: durationSeconds,
    headers: { 'accept-encoding': LOAD.acceptEncoding },
    timeout: 10,
  });
}

/**
 * Alternates Herald and the bare twin, `rounds` times each, swapping which goes first every
 * round so neither always gets the quieter moment of a shared machine. Medians over rounds.
 */
export async function measureLoad(targets: { herald: Target; bare: Target }, log: (line: string) => void): Promise<LoadResult> {
  for (const target of ['herald', 'bare'] as const) await hammer(targets[target].url, LOAD.warmupSeconds);
  const runs: LoadRun[] = [];
  for (let round = 1; round <= LOAD.rounds; round++) {
    const order = round % 2 ? (['herald', 'bare'] as const) : (['bare', 'herald'] as const);
    for (const target of order) {
      const cpuBefore = cpuSeconds(targets[target].pid);
      const result = await hammer(targets[target].url, LOAD.durationSeconds);
      const cpuAfter = cpuSeconds(targets[target].pid);
      const cpu = cpuBefore !== null && cpuAfter !== null && result.requests.total ? ((cpuAfter - cpuBefore) * 1e6) / result.requests.total : null;
      const run: LoadRun = {
        target,
        round,
        requestsPerSecond: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        serverCpuMicrosPerRequest: cpu === null ? null : Math.round(cpu * 10) / 10,
        bytesPerResponse: result.requests.total ? Math.round(result.throughput.total / result.requests.total) : 0,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
      };
      runs.push(run);
      log(`  round ${round} ${target.padEnd(6)} ${run.requestsPerSecond.toFixed(0).padStart(6)} req/s  p99 ${run.p99Ms} ms  server CPU ${run.serverCpuMicrosPerRequest ?? '?'} µs/request  (${run.bytesPerResponse} B/response, ${run.errors} errors, ${run.non2xx} non-2xx)`);
    }
  }
  const summary = (target: LoadRun['target']) => {
    const mine = runs.filter((run) => run.target === target);
    const cpu = mine.map((run) => run.serverCpuMicrosPerRequest);
    return {
      requestsPerSecond: median(mine.map((run) => run.requestsPerSecond)),
      p99Ms: median(mine.map((run) => run.p99Ms)),
      serverCpuMicrosPerRequest: cpu.every((value) => value !== null) ? median(cpu as number[]) : null,
    };
  };
  const herald = summary('herald');
  const bare = summary('bare');
  const cpuRatio = herald.serverCpuMicrosPerRequest && bare.serverCpuMicrosPerRequest ? bare.serverCpuMicrosPerRequest / herald.serverCpuMicrosPerRequest : null;
  return { runs, herald, bare, ratio: herald.requestsPerSecond / bare.requestsPerSecond, cpuRatio };
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
