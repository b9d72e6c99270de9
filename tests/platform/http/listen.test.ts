/**
 * Listening for a crowd (api/platform/http/listen.ts): by default one socket that no other process
 * can share; with LISTEN_SOCKETS, many sockets on one port and one HTTP server behind them, and
 * a port another process holds still refused.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type ListenOptions, type Server as NetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../../api/platform/http/listen.ts';
import { removeDir, startServer } from '../../support/server.ts';

/** Listening TCP sockets on `port`, from the kernel's own table (IPv4). */
function listenersOn(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => {
      const [, local, , state] = line.trim().split(/\s+/);
      return local?.endsWith(`:${hex}`) && state === '0A';
    }).length;
}

const get = (url: string, agent = false as const) =>
  new Promise<number>((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });

/**
 * Another Node process binding 127.0.0.1:`port` with SO_REUSEPORT and answering "rival" to
 * anything: its result is 'bound' or the error code it met.
 */
async function bindRival(port: number): Promise<{ result: string; stop(): void }> {
  const script = `
    const net = require('node:net');
    const rival = net.createServer((socket) => socket.end('HTTP/1.1 200 OK\\r\\ncontent-length: 5\\r\\nconnection: close\\r\\n\\r\\nrival'));
    rival.on('error', (error) => { console.log(error.code); process.exit(3); });
    rival.listen({ host: '127.0.0.1', port: ${port}, reusePort: true }, () => console.log('bound'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const result = await new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())));
  return { result, stop: () => child.kill() };
}

describe.runIf(process.platform === 'linux')('listening on many sockets', () => {
  const open: { server: Server; listening?: Listening }[] = [];
  afterEach(async () => {
    for (const { server, listening } of open.splice(0)) {
      server.closeAllConnections();
      await listening?.close();
    }
  });

  function served() {
    let connections = 0;
    const server = createServer((_req, res) => res.end('ok'));
    server.on('connection', () => connections++);
    const entry: { server: Server; listening?: Listening } = { server };
    open.push(entry);
    return { server, entry, connections: () => connections };
  }

  it('binds every socket to one port and answers every connection through the one server', async () => {
    const { server, entry, connections } = served();
    entry.listening = await listen(server, '127.0.0.1', 0, 8);
    const port = Number(new URL(entry.listening.url).port);
    expect(listenersOn(port)).toBe(8);
    const statuses = await Promise.all(Array.from({ length: 200 }, () => get(entry.listening!.url)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(connections()).toBe(200);
  });

  it('refuses a port another process holds, as a single socket would', async () => {
    const holder = createNetServer();
    await new Promise<void>((resolve) => holder.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const { server } = served();
      await expect(listen(server, '127.0.0.1', port, 8)).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(listenersOn(port)).toBe(1);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('frees the port when closed, once its connections are gone', async () => {
    const { server, entry } = served();
    const listening = await listen(server, '127.0.0.1', 0, 8);
    const port = Number(new URL(listening.url).port);
    expect(await get(listening.url)).toBe(200);
    await listening.close();
    expect(listenersOn(port)).toBe(0);
    entry.listening = await listen(server, '127.0.0.1', port, 1);
    expect(await get(entry.listening.url)).toBe(200);
  });

  it('with default settings holds its port alone: another process binding it gets EADDRINUSE, and every request reaches Herald', async () => {
    const herald = await startServer();
    const port = Number(new URL(herald.url).port);
    try {
      expect(listenersOn(port)).toBe(1);
      // A second process of the same user, asking to share the port as SO_REUSEPORT allows.
      const rival = await bindRival(port);
      try {
        expect(rival.result).toBe('EADDRINUSE');
        const bodies = await Promise.all(Array.from({ length: 200 }, () => fetch(`${herald.url}/healthz`).then((r) => r.text())));
        expect(bodies.filter((body) => !body.includes('"snapshot"'))).toEqual([]);
      } finally {
        rival.stop();
      }
    } finally {
      await herald.stop();
      removeDir(herald.dir);
    }
  });

  it('with LISTEN_SOCKETS=8, listens on 8 sockets and says what sharing the port risks', async () => {
    const herald = await startServer({ LISTEN_SOCKETS: '8' });
    try {
      expect(listenersOn(Number(new URL(herald.url).port))).toBe(8);
      expect((await fetch(`${herald.url}/`)).status).toBe(200);
      expect(herald.output()).toContain('any other process running as this user can bind it too');
    } finally {
      await herald.stop();
      removeDir(herald.dir);
    }
  });
});

describe('where the system refuses SO_REUSEPORT', () => {
  it('listens on one socket, says why, and still answers', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    // A system without SO_REUSEPORT: binding with it fails, binding without it works.
    const refusing = (target: NetServer, options: ListenOptions) =>
      new Promise<void>((resolve, reject) => {
        if (options.reusePort) return reject(Object.assign(new Error('Protocol not available'), { code: 'ENOPROTOOPT' }));
        target.once('error', reject);
        target.listen(options, () => resolve());
      });
    const listening = await listen(server, '127.0.0.1', 0, 8, refusing);
    try {
      expect(listening.sockets).toBe(1);
      expect(listening.fallback).toMatch(/SO_REUSEPORT refused \(Protocol not available\)/);
      expect(await get(listening.url)).toBe(200);
    } finally {
      await listening.close();
    }
  });
});
