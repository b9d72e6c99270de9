/**
 * Hostile input against the real server (`node build/api/server.js`, as `npm start` runs it, on a loopback port): huge and
 * endless bodies, a parallel password-guessing burst, a header drip. Behind one trusted
 * proxy (TRUST_PROXY=1), so each test can speak from its own client address with
 * X-Forwarded-For, as a load balancer would report it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, runCli, type RunningServer, startServer } from '../support/server.ts';

const PASSWORD = 'the owner password';
const OWNER = 'owner@example.test';
const dir = mkdtempSync(join(tmpdir(), 'herald-guard-'));
const databaseUrl = `file:${join(dir, 'herald.db')}`;

let server: RunningServer;
beforeAll(async () => {
  const env = { ...process.env, DATABASE_URL: databaseUrl, HERALD_DEMO: 'false' };
  const out = runCli(env, 'user.ts', 'create', OWNER, '--role', 'admin', '--password', PASSWORD);
  expect(out.status, out.stderr).toBe(0);
  server = await startServer({ TRUST_PROXY: '1' }, dir);
});
afterAll(async () => {
  await server?.stop();
  removeDir(dir);
});

/** The server's resident memory, from the kernel. */
const rssBytes = (): number => {
  const status = readFileSync(`/proc/${server.process.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
};

const MB = 1024 * 1024;

/**
 * POSTs `bytes` of form body, in 1 MiB writes, with a Content-Length or chunked (none);
 * resolves with the status and how long the answer took, whatever happens to the rest of
 * the upload once the server has answered.
 */
function postBody(path: string, bytes: number, options: { chunked?: boolean; headers?: Record<string, string> } = {}): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: server.url,
        ...(options.chunked ? {} : { 'content-length': String(bytes) }),
        ...options.headers,
      },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const ms = performance.now() - started;
      res.resume();
      resolve({ status: res.statusCode ?? 0, ms });
      req.destroy();
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(MB, 'a');
    let sent = 0;
    const pump = () => {
      while (!answered && sent < bytes) {
        const piece = chunk.subarray(0, Math.min(MB, bytes - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('bodies are limited before anything reads them', () => {
  const token = `1.${'A'.repeat(43)}`;
  it.each([
    ['a manage link, with a Content-Length', `/subscribe/manage/${token}`, false],
    ['a manage link, chunked', `/subscribe/manage/${token}`, true],
    ['the sign-up form, with a Content-Length', '/subscribe', false],
    ['the sign-up form, chunked', '/subscribe', true],
    ['an unsubscribe link, chunked', `/unsubscribe/${token}`, true],
    ['the desk sign-in, with a Content-Length', '/admin/sign-in', false],
  ])('refuses 50 MB posted to %s in well under a second, and memory stays flat', async (_name, path, chunked) => {
    const before = rssBytes();
    const { status, ms } = await postBody(path, 50 * MB, { chunked });
    const grown = rssBytes() - before;
    console.info(
      `[figures] 50 MB to ${path}${chunked ? ' (chunked)' : ''}: ${status} in ${ms.toFixed(0)} ms, RSS ${(before / MB).toFixed(0)} → ${((before + grown) / MB).toFixed(0)} MB`,
    );
    expect([413, 404]).toContain(status);
    // Answered on the headers, not after the upload (which alone takes about half a second here).
    expect(ms).toBeLessThan(300);
    expect(grown).toBeLessThan(40 * MB);
  });

  it('still takes an ordinary sign-up', async () => {
    const res = await fetch(`${server.url}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '192.0.2.200' },
      body: 'email=reader%40example.test&services=api',
    });
    expect(res.status).toBe(200);
  });
});

/** A desk sign-in from `address` (as the proxy reports it). */
const signIn = (address: string, password: string, email = OWNER) =>
  fetch(`${server.url}/admin/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, 'x-forwarded-for': `10.9.9.9, ${address}` },
    body: new URLSearchParams({ email, password, next: '/admin' }),
  });

describe('a parallel password-guessing burst', () => {
  it('is evaluated only as far as the limit allows, and the owner signs in from elsewhere at once', async () => {
    const db = createClient({ url: databaseUrl });
    const evaluated = async () => Number((await db.execute("SELECT count(*) AS n FROM sign_in_attempts WHERE address = '203.0.113.66'")).rows[0]?.n);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn('203.0.113.66', `wrong guess number ${i}`)));
    const statuses = results.map((r) => r.status);
    // Every attempt let through to a password check is a row, written before the check.
    const checked = await evaluated();
    console.info(
      `[figures] 30 parallel guesses: ${statuses.filter((s) => s === 401).length} × 401, ${statuses.filter((s) => s === 429).length} × 429; ${checked} password checks`,
    );
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(25);
    expect(checked).toBeLessThanOrEqual(5);

    // The right password from the guessing address is refused too: the limit holds, checked first.
    expect((await signIn('203.0.113.66', PASSWORD)).status).toBe(429);
    expect(await evaluated()).toBe(checked);
    db.close();

    const started = performance.now();
    const owner = await signIn('198.51.100.23', PASSWORD);
    expect(owner.status).toBe(303);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('slow clients', () => {
  /** A raw connection to the server, and when (seconds from now) it was closed by the server, if within 20 s. */
  const openSocket = async () => {
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const started = performance.now();
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('error', () => undefined);
    const closedAfter = new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 20_000);
      socket.once('close', () => (clearTimeout(timer), resolve((performance.now() - started) / 1000)));
    });
    return { socket, closedAfter, answer: () => answer };
  };

  it('cuts a connection that drips its headers, and one that sends nothing', async () => {
    const [dripping, silent] = await Promise.all([openSocket(), openSocket()]);
    dripping.socket.write('GET / HTTP/1.1\r\nHost: status.example.test\r\n');
    // A header line every half second: never idle long, never finished.
    const drip = setInterval(() => dripping.socket.write(`X-Drip-${Math.floor(performance.now())}: .\r\n`), 500);
    const [drippedFor, silentFor] = await Promise.all([dripping.closedAfter, silent.closedAfter]);
    clearInterval(drip);
    dripping.socket.destroy();
    silent.socket.destroy();
    console.info(
      `[figures] header drip cut after ${drippedFor?.toFixed(1)} s (${JSON.stringify(dripping.answer().split('\r\n')[0])}); silent connection cut after ${silentFor?.toFixed(1)} s`,
    );
    expect(dripping.answer()).toMatch(/^HTTP\/1\.1 408/);
    expect(drippedFor).not.toBeNull();
    expect(drippedFor).toBeLessThan(16);
    expect(silentFor).not.toBeNull();
    expect(silentFor).toBeLessThan(16);
  }, 30_000);
});
