import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { removeDir } from './server.ts';

/** Debian's nginx and its brotli static module (libnginx-mod-http-brotli-static). */
export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
export const BROTLI_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';

/** Why nginx tests cannot run here, or null when they can. */
export function nginxMissing(): string | null {
  if (!existsSync(NGINX)) return `nginx is not installed at ${NGINX} (Debian: apt-get install nginx libnginx-mod-http-brotli-static; or set NGINX_PATH)`;
  return null;
}

export const hasBrotliModule = () => existsSync(BROTLI_MODULE);

/** A free loopback port: bound, read and released (nginx needs a number, not 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export type RunningNginx = { url: string; port: number; dir: string; process: ChildProcess; errors: () => string; stop(): Promise<void> };

/**
 * Starts a real nginx in the foreground (`nginx -p DIR -c conf -g 'daemon off;'`) with `http`
 * as the contents of its `http { }` block, everything it writes kept in a temporary
 * directory. `http` is a function of the port chosen for it.
 */
export async function startNginx(http: (port: number) => string, options: { workers?: number } = {}): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-nginx-'));
  mkdirSync(join(dir, 'logs'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    // Workers run as this user: the snapshot directory is private to it (a temporary directory, mode 0700).
    `${hasBrotliModule() ? `load_module ${BROTLI_MODULE};\n` : ''}${process.getuid?.() === 0 ? `user ${userInfo().username};\n` : ''}worker_processes ${options.workers ?? 1};
error_log ${join(dir, 'logs', 'error.log')} warn;
pid ${join(dir, 'nginx.pid')};
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
${http(port)}
}
`,
  );
  const tested = spawnSync(NGINX, ['-t', '-q', '-p', dir, '-c', conf], { encoding: 'utf8' });
  if (tested.status !== 0) {
    const text = readFileSync(conf, 'utf8');
    removeDir(dir);
    throw new Error(`nginx refused the configuration:\n${tested.stderr}\n${text}`);
  }
  const child = spawn(NGINX, ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const errors = () => stderr + (existsSync(join(dir, 'logs', 'error.log')) ? readFileSync(join(dir, 'logs', 'error.log'), 'utf8') : '');
  // Listening once it answers anything.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start:\n${errors()}`);
    const up = await fetch(`${url}/`, { method: 'HEAD' }).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`nginx did not answer on ${url} within 10 s:\n${errors()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    port,
    dir,
    process: child,
    errors,
    stop: async () => {
      // SIGQUIT: nginx's graceful stop.
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
      removeDir(dir);
    },
  };
}
