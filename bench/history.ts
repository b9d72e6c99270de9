/**
 * Herald with years of history: databases of 100, 1,000 and 10,000 incidents over two years
 * and 200 services, filled by `npm run seed` (kept in bench/.cache, made again when the seed
 * or the migrations change). For each: a start on an empty snapshot directory (time to `/`),
 * a full export (every page), then Herald on the exported snapshot: publish → visible latency
 * and idle memory.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer, type RunningServer } from '../tests/support/server.ts';
import { rssMb } from './load.ts';
import { measurePublishLatency, type PublishLatency } from './publish-latency.ts';
import { round } from './stats.ts';

export const SIZES = [100, 1_000, 10_000] as const;
export const SERVICES = 200;
const CACHE = join(import.meta.dirname, '.cache');

export type HistoryRun = {
  incidents: number;
  services: number;
  seedSeconds: number | null;
  /** From spawning the server on an empty snapshot directory to `/` answering 200. */
  firstHomeMs: number;
  /** Whether the server started on the export took it as its snapshot (no full render). */
  resumedFully?: boolean;
  publish: PublishLatency;
  idleRssMb: number | null;
  exportSeconds?: number;
  exportFiles?: number;
};

/** A database of `incidents` incidents, from the cache when the same seed made one before. */
function seeded(incidents: number, log: (line: string) => void): { file: string; seedSeconds: number | null } {
  const version = createHash('sha256')
    .update(readFileSync(join(ROOT, 'api', 'cli', 'seed.ts')))
    .update(readdirSync(join(ROOT, 'api', 'platform', 'db', 'migrations')).join())
    .digest('hex')
    .slice(0, 10);
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `seed-${incidents}-${SERVICES}-${version}.db`);
  if (existsSync(file)) return { file, seedSeconds: null };
  for (const old of readdirSync(CACHE).filter((f) => f.startsWith(`seed-${incidents}-`))) rmSync(join(CACHE, old), { force: true });
  log(`  seeding ${incidents} incidents over two years across ${SERVICES} services (once; kept in bench/.cache)…`);
  const started = performance.now();
  execFileSync(process.execPath, [join(ROOT, 'api', 'cli', 'seed.ts'), '--incidents', String(incidents), '--services', String(SERVICES)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${file}.tmp`, HERALD_DEMO: 'false' },
    stdio: 'ignore',
  });
  // A finished seed only (closed, so its WAL is checkpointed): an interrupted one never lands in the cache.
  renameSync(`${file}.tmp`, file);
  for (const f of readdirSync(CACHE).filter((f) => f.startsWith(`seed-${incidents}-${SERVICES}-${version}.db.tmp`))) rmSync(join(CACHE, f), { force: true });
  return { file, seedSeconds: round((performance.now() - started) / 1000, 1) };
}

async function until<T>(check: () => Promise<T | null> | T | null, timeoutMs: number, what: string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (performance.now() > deadline) throw new Error(`[Bench] ${what} did not happen in ${timeoutMs / 1000} s.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function measureHistory(options: {
  nodeArgs: string[];
  env: Record<string, string>;
  adminToken: string;
  log: (line: string) => void;
  children: { stop(): unknown }[];
}): Promise<HistoryRun[]> {
  const runs: HistoryRun[] = [];
  const env = { ...options.env, HERALD_ADMIN_TOKEN: options.adminToken, PUBLIC_URL: 'https://status.example.test' };
  for (const incidents of SIZES) {
    const { file, seedSeconds } = seeded(incidents, options.log);
    const dir = mkdtempSync(join(tmpdir(), `herald-bench-${incidents}-`));
    copyFileSync(file, join(dir, 'herald.db'));
    let server: RunningServer | undefined;
    try {
      // 1. A start on an empty snapshot directory: how soon `/` is served (the rest renders in the background; not waited for).
      const spawned = performance.now();
      server = await startServer({ ...env, SNAPSHOT_DIR: join(dir, 'empty') }, dir, { waitFor: 'listening', nodeArgs: options.nodeArgs });
      options.children.push(server);
      const cold = server;
      const firstHomeMs = await until(
        async () => {
          const response = await fetch(`${cold.url}/`).catch(() => null);
          return response?.status === 200 ? round(performance.now() - spawned, 0) : null;
        },
        60_000,
        '/ answering 200',
      );
      await until(() => (/Ready at/.test(cold.output()) ? true : null), 60_000, 'Ready');
      await server.stop();
      server = undefined;

      // 2. Every page: the export renders the whole site in a fresh process, as Herald writes it
      // (--snapshot-only: without a static host's search index and short-link pages, which a
      // server started on the directory would otherwise load as published files). It runs as
      // `npm run export` runs it: without the server's malloc settings (GLIBC_TUNABLES), which
      // keep a long-running server small and cost a one-off render of 15,000 pages 60 % more
      // time in mmap and munmap (62-65 s against 38 s for 10,000 incidents, measured apart).
      const out = join(dir, 'site');
      const started = performance.now();
      execFileSync(process.execPath, [join(ROOT, 'api', 'cli', 'export.ts'), '--out', out, '--snapshot-only'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, PUBLIC_URL: env.PUBLIC_URL, HERALD_DEMO: 'false' },
        stdio: 'ignore',
      });
      const exportSeconds = round((performance.now() - started) / 1000, 1);
      const exportFiles = Number(
        execFileSync('sh', ['-c', `find '${out}' -type f -not -name '*.br' -not -name '*.gz' -not -name '.*' | wc -l`], { encoding: 'utf8' }).trim(),
      );

      // 3. Herald on that complete snapshot (it resumes from it): publish latency and memory at rest.
      server = await startServer({ ...env, SNAPSHOT_DIR: out }, dir, { waitFor: 'ready', nodeArgs: options.nodeArgs });
      options.children.push(server);
      const resumedFully = !/rendering every other page in the background/.test(server.output());
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const idleRssMb = rssMb(server.process.pid);
      const publish = await measurePublishLatency(server.url, options.adminToken, 20);
      const run: HistoryRun = { incidents, services: SERVICES, seedSeconds, firstHomeMs, publish, idleRssMb, exportSeconds, exportFiles, resumedFully };
      runs.push(run);
      options.log(
        `  ${incidents} incidents: / in ${firstHomeMs} ms from spawn on an empty snapshot; export ${exportFiles} files in ${exportSeconds} s; publish → visible p50 ${publish.p50} ms, p95 ${publish.p95} ms; idle RSS ${idleRssMb} MB${resumedFully ? '' : ' (the server re-rendered the exported snapshot!)'}`,
      );
    } finally {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return runs;
}
