/**
 * Two Herald processes on one database file, each with its own snapshot: how long after a
 * write's 201 through one the other serves it (its poll of the publish sequence plus a publish).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../tests/support/server.ts';
import { percentile, round } from './stats.ts';

export type ProcessesResult = { writes: number; samples: number[]; p50: number; p95: number; max: number };

export async function measureProcesses(options: {
  nodeArgs: string[];
  env?: Record<string, string>;
  adminToken: string;
  children: { stop(): unknown }[];
  writes?: number;
}): Promise<ProcessesResult> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-processes-'));
  const env = {
    ...options.env,
    DATABASE_URL: `file:${join(dir, 'herald.db')}`,
    HERALD_ADMIN_TOKEN: options.adminToken,
    PUBLIC_URL: 'https://status.example.test',
    HERALD_DEMO: 'true',
  };
  const servers: RunningServer[] = [];
  try {
    for (const name of ['a', 'b']) {
      const server = await startServer({ ...env, SNAPSHOT_DIR: join(dir, `snapshot-${name}`) }, dir, { waitFor: 'ready', nodeArgs: options.nodeArgs });
      servers.push(server);
      options.children.push(server);
    }
    const samples: number[] = [];
    const writes = options.writes ?? 10;
    for (let i = 0; i < writes; i++) {
      const [writer, reader] = i % 2 ? [servers[1], servers[0]] : [servers[0], servers[1]];
      const title = `Seen by the other process ${i} ${Math.random().toString(36).slice(2, 8)}`;
      const response = await fetch(`${writer!.url}/api/admin/incidents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          title,
          severity: 'P3',
          status: 'investigating',
          message: 'Bench write.',
          services: [{ slug: 'search', status: 'degraded_performance' }],
        }),
      });
      if (response.status !== 201) throw new Error(`[Bench] The write answered ${response.status}.`);
      const answered = performance.now();
      for (;;) {
        const body = await (await fetch(`${reader!.url}/`)).text();
        if (body.includes(title)) break;
        if (performance.now() - answered > 10_000) throw new Error('[Bench] The other process did not show the write in 10 s.');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      samples.push(round(performance.now() - answered, 1));
      // Not in step with the 250 ms poll: writes land anywhere in its cycle.
      await new Promise((resolve) => setTimeout(resolve, 97 + i * 37));
    }
    return { writes, samples, p50: percentile(samples, 50), p95: percentile(samples, 95), max: Math.max(...samples) };
  } finally {
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
