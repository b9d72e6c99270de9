/**
 * The one poster and the operator's own endpoints (FRESHNESS_WEBHOOK_URL, content/escalation.json,
 * PagerDuty): reached as configured — an internal chat over http — while every redirect from
 * them is judged like any webhook's target.
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedPost } from '../../../api/platform/delivery/http-post.ts';

let server: ReturnType<typeof createServer>;
let base = '';
const hits: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    if (to) return res.writeHead(307, { location: to }).end();
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a configured target', () => {
  it('is posted to as configured, where a registered one would be refused', async () => {
    expect((await guardedPost(`${base}/chat`, '{}', {}, { allowLocal: false, configuredTarget: true })).status).toBe(200);
    await expect(guardedPost(`${base}/chat`, '{}', {}, { allowLocal: false })).rejects.toThrow('is not https');
  });

  it.each([
    [`http://127.0.0.1:1/admin`, 'is not https'],
    [`https://127.0.0.1:1/admin`, '127.0.0.1 is a loopback, private or link-local address'],
    [`https://10.0.0.1/admin`, '10.0.0.1 is a loopback, private or link-local address'],
    [`https://[::ffff:127.0.0.1]/admin`, 'is a loopback, private or link-local address'],
  ])('has its redirect to %s refused', async (to, why) => {
    const before = hits.length;
    await expect(guardedPost(`${base}/hook?to=${encodeURIComponent(to)}`, '{}', {}, { allowLocal: false, configuredTarget: true })).rejects.toThrow(why);
    expect(hits.length - before).toBe(1);
  });

  it('has its redirect followed when local targets are allowed', async () => {
    const result = await guardedPost(`${base}/hook?to=${encodeURIComponent(`${base}/inside`)}`, '{}', {}, { allowLocal: true, configuredTarget: true });
    expect(result.status).toBe(200);
    expect(hits.at(-1)).toBe('/inside');
  });
});
