import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export type RunningServer = {
  /** Where it listens. */
  url: string;
  dir: string;
  process: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, no goodbye. */
  kill(): Promise<void>;
};

/**
 * Starts the real server (`node api/server.ts`, the built Astro bundle) on an ephemeral
 * loopback port, with its own database and snapshot in a temporary directory.
 */
export async function startServer(
  env: Record<string, string> = {},
  dir = mkdtempSync(join(tmpdir(), 'herald-')),
  options: { waitFor: 'ready' | 'listening'; nodeArgs?: string[] } = { waitFor: 'ready' },
): Promise<RunningServer> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(ROOT, 'api', 'server.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: `file:${join(dir, 'herald.db')}`,
      SNAPSHOT_DIR: join(dir, 'snapshot'),
      HERALD_DEMO: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${output}`)), 30_000);
    const check = () => {
      const match = (options.waitFor === 'ready' ? /Ready at (http:\/\/[^\s"]+)/ : /Listening at (http:\/\/[^\s"]+)/).exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    dir,
    process: child,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });
