import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderNginxConfig } from '../api/site/nginx-config.ts';
import { hasBrotliModule, nginxMissing, startNginx, type RunningNginx } from '../tests/support/nginx.ts';
import { removeDir } from '../tests/support/server.ts';
import { LOAD } from './load.ts';
import { median } from './stats.ts';
import { wrk, type WrkResult } from './wrk.ts';

export type NginxTarget = 'nginx' | 'plain' | 'herald';
export type NginxRun = WrkResult & { target: NginxTarget; round: number };
export type NginxBench = {
  runs: NginxRun[];
  /** Median requests/s of each: Herald behind nginx (ops/nginx/herald.conf), nginx serving a plain copy of the same file, Herald alone. */
  medians: Record<NginxTarget, { requestsPerSecond: number; p99Ms: number }>;
  /** Herald behind nginx ÷ nginx serving the plain file. */
  ratio: number;
  /** Herald behind nginx ÷ Herald alone. */
  overHerald: number;
  workers: number;
};

/** Each nginx runs one worker: the machine's other core is wrk's, and Herald's is Herald's. */
const WORKERS = 1;

/**
 * `/` through nginx configured as `npm run -s nginx-config` prints (serving Herald's snapshot
 * directory itself), against nginx serving a plain copy of the same bytes (the file and its
 * .br/.gz, nothing else configured) and against Herald alone: wrk, 50 connections,
 * alternating, medians over rounds. Null when nginx is not installed.
 */
export async function measureNginx(herald: { url: string; snapshotDir: string }, log: (line: string) => void): Promise<NginxBench | null> {
  const missing = nginxMissing();
  if (missing) {
    log(`  skipped: ${missing}`);
    return null;
  }
  const brotli = hasBrotliModule();
  const plainDir = mkdtempSync(join(tmpdir(), 'herald-bench-plain-'));
  for (const name of ['index.html', 'index.html.br', 'index.html.gz'])
    if (existsSync(join(herald.snapshotDir, name))) copyFileSync(join(herald.snapshotDir, name), join(plainDir, name));
  const servers: RunningNginx[] = [];
  try {
    const fronted = await startNginx(
      (port) => renderNginxConfig({ listen: `127.0.0.1:${port}`, upstream: new URL(herald.url).host, snapshot: herald.snapshotDir, brotli }),
      { workers: WORKERS },
    );
    servers.push(fronted);
    const plain = await startNginx(
      (port) => `server {
  listen 127.0.0.1:${port};
  root ${plainDir};
  gzip_static on;
${brotli ? '  brotli_static on;\n' : ''}}`,
      { workers: WORKERS },
    );
    servers.push(plain);
    const urls: Record<NginxTarget, string> = { nginx: `${fronted.url}/`, plain: `${plain.url}/`, herald: `${herald.url}/` };
    const headers = { 'accept-encoding': LOAD.acceptEncoding };
    for (const url of Object.values(urls)) await wrk(url, { connections: LOAD.connections, seconds: LOAD.warmupSeconds, headers });
    const runs: NginxRun[] = [];
    const orders: NginxTarget[][] = [
      ['nginx', 'plain', 'herald'],
      ['plain', 'herald', 'nginx'],
      ['herald', 'nginx', 'plain'],
    ];
    for (let round = 1; round <= LOAD.rounds; round++) {
      for (const target of orders[(round - 1) % orders.length] as NginxTarget[]) {
        const run = { ...(await wrk(urls[target], { connections: LOAD.connections, seconds: LOAD.durationSeconds, headers })), target, round };
        runs.push(run);
        log(
          `  round ${round} ${target.padEnd(6)} ${run.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${run.p50Ms} ms  p99 ${run.p99Ms} ms  (${run.bytesPerResponse} B/response, ${run.errorResponses} error responses)`,
        );
      }
    }
    const of = (target: NginxTarget) => {
      const mine = runs.filter((run) => run.target === target);
      return { requestsPerSecond: median(mine.map((run) => run.requestsPerSecond)), p99Ms: median(mine.map((run) => run.p99Ms)) };
    };
    const medians = { nginx: of('nginx'), plain: of('plain'), herald: of('herald') };
    return {
      runs,
      medians,
      ratio: medians.nginx.requestsPerSecond / medians.plain.requestsPerSecond,
      overHerald: medians.nginx.requestsPerSecond / medians.herald.requestsPerSecond,
      workers: WORKERS,
    };
  } finally {
    for (const server of servers) await server.stop();
    removeDir(plainDir);
  }
}
