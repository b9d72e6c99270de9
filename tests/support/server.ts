import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
/** What `npm start` runs; `npm run build` (which `npm test` runs first) makes it. */
export const SERVER_ENTRY = join(ROOT, 'build', 'api', 'server.js');
/** How much of a server's output `output()` keeps, newest last. */
const OUTPUT_KEPT = 8 * 1024 * 1024;

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
 * Starts the real server as `npm start` runs it (`node build/api/server.js`, compiled by
 * `npm run build` with the Astro bundle) on an ephemeral
 * loopback port, with its own database and snapshot in a temporary directory.
 */
export async function startServer(
  env: Record<string, string> = {},
  dir = mkdtempSync(join(tmpdir(), 'herald-')),
  options: { waitFor: 'ready' | 'listening'; nodeArgs?: string[]; root?: string } = { waitFor: 'ready' },
): Promise<RunningServer> {
  // `root`: another checkout (the fan-out bench runs an earlier release beside today's); releases
  // before the compiled build ran `node api/server.ts`.
  const root = options.root ?? ROOT;
  const built = join(root, 'build', 'api', 'server.js');
  const entry = root === ROOT || existsSync(built) ? built : join(root, 'api', 'server.ts');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], {
    cwd: root,
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
  // The newest output, in chunks: a server under load logs a line per request, and the caller
  // (a test, or the bench beside the server on the same cores) must not pay for keeping it all.
  const chunks: Buffer[] = [];
  let kept = 0;
  const keep = (d: Buffer) => {
    chunks.push(d);
    kept += d.length;
    while (kept > OUTPUT_KEPT && chunks.length > 1) kept -= chunks.shift()!.length;
  };
  const output = () => Buffer.concat(chunks).toString();
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = await new Promise<string>((resolve, reject) => {
    const pattern = options.waitFor === 'ready' ? /Ready at (http:\/\/[^\s"]+)/ : /Listening at (http:\/\/[^\s"]+)/;
    const stopWatching = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', exitedEarly);
    };
    const timer = setTimeout(() => {
      stopWatching();
      reject(new Error(`server did not start in 30 s:\n${output()}`));
    }, 30_000);
    const check = () => {
      const match = pattern.exec(output());
      if (match?.[1]) {
        stopWatching();
        resolve(match[1]);
      }
    };
    const exitedEarly = (code: number | null) => {
      stopWatching();
      reject(new Error(`server exited with ${code}:\n${output()}`));
    };
    child.stdout?.on('data', check);
    child.once('exit', exitedEarly);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    dir,
    process: child,
    output,
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

/** Runs one of Herald's command-line tools (`api/cli/<script>`) with `env`, as `npm run …` does; spawnSync's result. */
export const runCli = (env: NodeJS.ProcessEnv, script: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'api', 'cli', script), ...args], { cwd: ROOT, env, encoding: 'utf8' });

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/**
 * POSTs JSON to an admin route of a running server with a bearer token and returns the parsed
 * answer; anything but 201 throws with the path and the answer's start.
 * @example const { ref } = await adminPost(server.url, ADMIN_TOKEN, '/api/admin/incidents', makeIncident());
 */
export async function adminPost<T = { ref: string }>(baseUrl: string, token: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}, not 201: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
