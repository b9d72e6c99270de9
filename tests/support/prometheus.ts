/**
 * A real Prometheus for the signals tests: Debian's `prometheus` on a loopback port, scraping
 * every second an exporter the test controls (a tiny node:http server of gauges).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalogue } from '../../api/platform/content.ts';
import { CONTENT_DIR } from './app.ts';

/** A content folder like the shipped one, its catalogue's services (by slug) edited by `edit`: an `availability`, `metrics`. */
export function contentWith(edit: (services: Record<string, Catalogue['groups'][number]['services'][number]>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-signals-'));
  cpSync(CONTENT_DIR, dir, { recursive: true });
  const catalogue = JSON.parse(readFileSync(join(CONTENT_DIR, 'services.json'), 'utf8')) as Catalogue;
  edit(Object.fromEntries(catalogue.groups.flatMap((g) => g.services.map((s) => [s.slug, s]))));
  writeFileSync(join(dir, 'services.json'), JSON.stringify(catalogue));
  return dir;
}

export type Exporter = {
  /** host:port, what Prometheus scrapes. */
  target: string;
  /** Sets a gauge: `set('probe_success{service="api"}', 0)`. */
  set(series: string, value: number): void;
  close(): Promise<void>;
};

export async function startExporter(initial: Record<string, number> = {}): Promise<Exporter> {
  const values = new Map(Object.entries(initial));
  const server: Server = createServer((_req, res) => {
    const lines = [...values].map(([series, value]) => `${series} ${value}`);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    target: `127.0.0.1:${port}`,
    set: (series, value) => void values.set(series, value),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export type RunningPrometheus = {
  url: string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s); the data directory is kept until `remove`. */
  stop(): Promise<void>;
  remove(): void;
  /** An instant or range query, as the test's own check of what Prometheus says. */
  api(path: string, params: Record<string, string>): Promise<any>;
};

/** A free loopback port: bound, read, released. */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts Prometheus scraping `target` every second (evaluation every second too); resolves once it is ready. */
export async function startPrometheus(target: string): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-prometheus-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: probes\n    static_configs:\n      - targets: ['${target}']\n  - job_name: self\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
  );
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prometheus was not ready in 20 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let stopped: Promise<void> | undefined;
  return {
    url,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      })),
    remove: () => rmSync(dir, { recursive: true, force: true }),
    async api(path, params) {
      const response = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
      const body = (await response.json()) as any;
      if (body.status !== 'success') throw new Error(`prometheus ${path}: ${JSON.stringify(body)}`);
      return body.data;
    },
  };
}

/** Waits until `check` holds, polling every 200 ms, for at most `ms`. */
export async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${ms / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
