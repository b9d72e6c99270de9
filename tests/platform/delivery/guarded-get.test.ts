/**
 * Herald's one outbound client reads documents too (upstream providers' components.json): the
 * same SSRF guard on every hop, a total deadline, a size cap that refuses rather than cuts, and
 * the validators a conditional request needs.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedGet } from '../../../api/platform/delivery/http-post.ts';

let server: Server;
let base: string;
const seen: Record<string, string | undefined>[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url, ifNoneMatch: req.headers['if-none-match'] });
    if (req.url === '/doc') {
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304, { etag: '"v1"' }).end();
      return res
        .writeHead(200, { 'content-type': 'application/json', etag: '"v1"', 'last-modified': 'Tue, 10 Mar 2026 12:00:00 GMT' })
        .end('{"components":[]}');
    }
    if (req.url === '/moved') return res.writeHead(302, { location: '/doc' }).end();
    if (req.url === '/inside') return res.writeHead(301, { location: 'http://10.0.0.1/doc' }).end();
    if (req.url === '/huge') return res.writeHead(200).end('x'.repeat(64 * 1024));
    if (req.url === '/busy') return res.writeHead(503, { 'retry-after': '120' }).end();
    if (req.url === '/slow') return setTimeout(() => res.writeHead(200).end('{}'), 3000);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('guardedGet', () => {
  it('reads a document whole, with the validators for a conditional request, and answers 304 to one', async () => {
    const first = await guardedGet(`${base}/doc`, {}, { allowLocal: true });
    expect(first).toEqual({ status: 200, body: '{"components":[]}', headers: { etag: '"v1"', lastModified: 'Tue, 10 Mar 2026 12:00:00 GMT' } });
    const again = await guardedGet(`${base}/doc`, { 'if-none-match': '"v1"' }, { allowLocal: true });
    expect(again.status).toBe(304);
    expect(seen.at(-1)).toEqual({ path: '/doc', ifNoneMatch: '"v1"' });
  });

  it('follows a redirect, and checks where it leads like the first target', async () => {
    expect((await guardedGet(`${base}/moved`, {}, { allowLocal: true })).body).toBe('{"components":[]}');
    await expect(guardedGet(`${base}/inside`, {}, { allowLocal: false })).rejects.toThrow(/not https/);
  });

  it('refuses loopback unless local targets are allowed (WEBHOOK_ALLOW_LOCAL)', async () => {
    await expect(guardedGet(`${base}/doc`, {}, { allowLocal: false })).rejects.toThrow(/not https/);
    await expect(guardedGet('https://127.0.0.1/doc', {}, { allowLocal: false })).rejects.toThrow(/loopback|private/);
  });

  it('refuses a body over the cap instead of cutting it', async () => {
    await expect(guardedGet(`${base}/huge`, {}, { allowLocal: true, maxAnswerBytes: 16 * 1024 })).rejects.toThrow('answered more than 16 KiB; refused');
  });

  it('gives up at the deadline', async () => {
    await expect(guardedGet(`${base}/slow`, {}, { allowLocal: true, deadlineMs: 500 })).rejects.toThrow('did not finish answering within 0.5 s');
  });

  it('hands back Retry-After with a refusal', async () => {
    expect(await guardedGet(`${base}/busy`, {}, { allowLocal: true })).toMatchObject({ status: 503, headers: { retryAfter: '120' } });
  });
});
