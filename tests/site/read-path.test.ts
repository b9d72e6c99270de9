/**
 * The raw read path (published files answered on node:http before any routing) answers exactly
 * what the app's snapshot route answers: same headers, validators, 304s and encodings.
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startServer, type RunningServer } from '../support/server.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ HERALD_DEMO: 'true' });
});
afterAll(async () => {
  await server.stop();
  removeDir(server.dir);
});

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };
const raw = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  new Promise<Raw>((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
// The router tags every answer with a request id (for its error log); a published file never errs.
const PER_REQUEST = ['date', 'connection', 'keep-alive', 'transfer-encoding', 'x-request-id'];
const without = (h: Raw['headers']) => Object.fromEntries(Object.entries(h).filter(([name]) => !PER_REQUEST.includes(name)));

// `/%69ndex.html` names the home page too, but needs decoding: the router answers it.
const ROUTED = '/%69ndex.html';

describe('the raw read path', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['brotli', { 'accept-encoding': 'gzip, deflate, br' }, 'GET'],
    ['gzip', { 'accept-encoding': 'gzip' }, 'GET'],
    ['identity', {}, 'GET'],
    ['HEAD', { 'accept-encoding': 'br' }, 'HEAD'],
  ];
  for (const [name, headers, method] of cases) {
    it(`answers ${name} exactly as the app's route does`, async () => {
      const fast = await raw('/', headers, method);
      const routed = await raw(ROUTED, headers, method);
      expect(fast.status).toBe(200);
      expect(without(fast.headers)).toEqual(without(routed.headers));
      expect(fast.body.equals(routed.body)).toBe(true);
    });
  }

  it('sends bytes that decode to the same page in every encoding', async () => {
    const identity = (await raw('/')).body;
    expect(brotliDecompressSync((await raw('/', { 'accept-encoding': 'br' })).body).equals(identity)).toBe(true);
    expect(gunzipSync((await raw('/', { 'accept-encoding': 'gzip' })).body).equals(identity)).toBe(true);
    expect(identity.toString()).toContain('<h1>');
  });

  it('answers 304 to a current ETag or date, and 200 to a stale one', async () => {
    const first = await raw('/feed.xml', { 'accept-encoding': 'br' });
    const etag = String(first.headers.etag);
    expect((await raw('/feed.xml', { 'accept-encoding': 'br', 'if-none-match': etag })).status).toBe(304);
    expect((await raw('/feed.xml', { 'accept-encoding': 'gzip', 'if-none-match': `W/${etag}` })).status).toBe(304);
    expect((await raw('/feed.xml', { 'if-modified-since': String(first.headers['last-modified']) })).status).toBe(304);
    expect((await raw('/feed.xml', { 'if-none-match': '"stale"' })).status).toBe(200);
  });

  it('gives each answer its own request id, or the one the client sent', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => raw('/', { 'accept-encoding': 'br' }).then((r) => String(r.headers['x-request-id']))));
    expect(new Set(ids).size).toBe(20);
    const [a, b] = await Promise.all([raw('/', { 'x-request-id': 'ticket-4711-a' }), raw('/', { 'x-request-id': 'ticket-4711-b' })]);
    expect([a.headers['x-request-id'], b.headers['x-request-id']]).toEqual(['ticket-4711-a', 'ticket-4711-b']);
    // An id outside the accepted alphabet is replaced, not echoed.
    expect((await raw('/', { 'x-request-id': 'bad id<script>' })).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('ignores the query string and leaves unknown paths and other methods to the app', async () => {
    expect((await raw('/?utm_source=x', { 'accept-encoding': 'br' })).headers['content-encoding']).toBe('br');
    expect((await raw('/nowhere', { accept: 'text/html' })).status).toBe(404);
    expect((await raw('/', {}, 'POST')).status).toBe(404);
  });
});
