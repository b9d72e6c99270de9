/**
 * `npm run bench:compare -- VARIANTS.json`: Herald started several ways (Node options,
 * environment), side by side with the bare node:http twin, under the same wrk load in one run,
 * rounds alternating — for deciding a setting before it goes into `npm start`. Each variant runs
 * the built server (`npm run build` first) on the demo content in its own temporary directory.
 *
 * VARIANTS.json: `[{ "name": "semi2", "nodeArgs": ["--max-semi-space-size=2"], "env": {} }, …]`; the bare
 * twin runs with the first variant's settings.
 * Environment: ROUNDS (5), SECONDS (4), CONNECTIONS (50).
 */
import { readFileSync } from 'node:fs';
import { removeDir, startServer, type RunningServer } from '../tests/support/server.ts';
import { rssMb, startBareTwin } from './load.ts';
import { median } from './stats.ts';
import { wrk } from './wrk.ts';

type Variant = { name: string; nodeArgs?: string[]; env?: Record<string, string> };

const file = process.argv[2];
if (!file) {
  console.error('[Compare] Name the variants: npm run bench:compare -- VARIANTS.json');
  process.exit(2);
}
const variants = JSON.parse(readFileSync(file, 'utf8')) as Variant[];
const rounds = Number(process.env.ROUNDS ?? 5);
const seconds = Number(process.env.SECONDS ?? 4);
const connections = Number(process.env.CONNECTIONS ?? 50);
const headers = { 'accept-encoding': 'br, gzip' };

/** A process's CPU seconds so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const servers: RunningServer[] = [];
const targets: { name: string; url: string; pid: number }[] = [];
let stopBare = () => {};
try {
  for (const variant of variants) {
    const server = await startServer({ HERALD_DEMO: 'true', ...variant.env }, undefined, { waitFor: 'ready', nodeArgs: variant.nodeArgs ?? [] });
    servers.push(server);
    targets.push({ name: variant.name, url: server.url, pid: server.process.pid as number });
  }
  // Past the first render of every page, as `npm run bench` waits.
  await new Promise((resolve) => setTimeout(resolve, 8000));
  for (const target of targets) console.info(`[Compare] ${target.name}: idle RSS ${rssMb(target.pid)} MB`);
  const first = servers[0] as RunningServer;
  const bare = await startBareTwin(first.url, first.dir, { nodeArgs: variants[0]?.nodeArgs ?? [], env: variants[0]?.env ?? {} });
  stopBare = () => bare.child.kill('SIGTERM');
  targets.push({ name: 'bare', url: bare.url, pid: bare.child.pid as number });
  for (const target of targets) await wrk(`${target.url}/`, { connections, seconds: 2, headers });

  const rates = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const timeouts = new Map<string, number>();
  // Peak RSS under the load, sampled every 100 ms while each target is the one being loaded.
  const peaks = new Map<string, number>();
  let loaded: (typeof targets)[number] | undefined;
  const sampler = setInterval(() => {
    if (loaded) peaks.set(loaded.name, Math.max(peaks.get(loaded.name) ?? 0, rssMb(loaded.pid) ?? 0));
  }, 100);
  for (let round = 0; round < rounds; round++) {
    for (const target of round % 2 ? [...targets].reverse() : targets) {
      const before = cpuSeconds(target.pid);
      loaded = target;
      const result = await wrk(`${target.url}/`, { connections, seconds, headers });
      loaded = undefined;
      timeouts.set(target.name, (timeouts.get(target.name) ?? 0) + result.timeouts);
      const used = cpuSeconds(target.pid) - before;
      rates.set(target.name, [...(rates.get(target.name) ?? []), result.requestsPerSecond]);
      cpu.set(target.name, [...(cpu.get(target.name) ?? []), (used * 1e6) / result.requests]);
      console.info(
        `[Compare] round ${round + 1} ${target.name}: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.p99Ms} ms, slowest ${result.maxMs} ms, ${result.timeouts} timeouts, ${result.socketErrors} socket errors`,
      );
    }
  }
  clearInterval(sampler);
  const bareRate = median(rates.get('bare') ?? []);
  const bareCpu = median(cpu.get('bare') ?? []);
  console.info(`\n[Compare] medians over ${rounds} rounds of ${seconds} s at ${connections} connections:`);
  for (const target of targets) {
    const rate = median(rates.get(target.name) ?? []);
    const micros = median(cpu.get(target.name) ?? []);
    console.info(
      `  ${target.name.padEnd(16)} ${Math.round(rate)} req/s  ÷ bare ${(rate / bareRate).toFixed(2)}  CPU ${micros.toFixed(1)} µs/request  (bare CPU ÷ this ${(bareCpu / micros).toFixed(2)})  peak RSS ${peaks.get(target.name)} MB, now ${rssMb(target.pid)} MB  timeouts ${timeouts.get(target.name)}`,
    );
  }
} finally {
  stopBare();
  for (const server of servers) {
    await server.stop();
    removeDir(server.dir);
  }
}
