/**
 * A search flood against a real Herald, with its default settings, from real loopback
 * addresses (127.0.0.1 and its neighbours, all routed to the same server): one address past
 * its share is refused with 429 and Retry-After while another still searches; many addresses
 * together past the budget are refused with 503; the published pages are answered throughout.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeIncident } from '../support/factories.ts';
import { adminPost, removeDir, type RunningServer, startServer } from '../support/server.ts';

const ADMIN_TOKEN = 'search-flood-admin-token-0123456789';
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN });
  await adminPost(server.url, ADMIN_TOKEN, '/api/admin/incidents', makeIncident({ title: 'Checkout payments failing' }));
}, 60_000);
afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

type Answer = { status: number; retryAfter: string | null; body: string; headers: Record<string, string | string[] | undefined> };

/** GET `path` from the local address `from` (a fresh connection each time). */
const get = (path: string, from: string, method = 'GET'): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { localAddress: from, agent: false, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] ?? null, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });

const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length;

it('refuses a flood from one address with 429 and Retry-After, while another address searches and / is served', async () => {
  const flood = await Promise.all(Array.from({ length: 30 }, () => get('/search?q=checkout', '127.0.0.1')));
  const statuses = flood.map((a) => a.status).join(' ');
  expect(count(flood, 200), statuses).toBe(20);
  expect(count(flood, 429), statuses).toBe(10);
  for (const refused of flood.filter((a) => a.status === 429)) {
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.body).toContain('Too many searches from your address');
  }
  const other = await get('/search?q=checkout', '127.0.0.2');
  expect(other.status).toBe(200);
  expect(other.body).toContain('href="/incidents/INC-1"');
  // The published pages are never throttled.
  expect((await get('/', '127.0.0.1')).status).toBe(200);
});

it('refuses new searches from many addresses together past the budget with 503 and Retry-After, never the published pages', async () => {
  // Forty different searches at once, two from each of twenty addresses: none is over its own share.
  const searches = Array.from({ length: 40 }, (_, n) => get(`/search?q=word${n}`, `127.0.1.${1 + (n % 20)}`));
  const homes = Array.from({ length: 10 }, (_, n) => get('/', `127.0.2.${1 + n}`));
  const answers = await Promise.all(searches);
  const statuses = answers.map((a) => a.status).join(' ');
  expect(count(answers, 429), statuses).toBe(0);
  expect(count(answers, 200), statuses).toBeGreaterThan(0);
  expect(count(answers, 503), statuses).toBeGreaterThan(0);
  for (const busy of answers.filter((a) => a.status === 503)) {
    expect(busy.retryAfter).toBe('1');
    expect(busy.body).toContain('Search is busy right now');
  }
  expect((await Promise.all(homes)).map((a) => a.status)).toEqual(Array(10).fill(200));
});

it('answers an address past its share before routing, with the same page and headers the route sent, and counts each refusal', async () => {
  const refusedBefore = Number(/herald_search_refused_total\{reason="throttled"\} (\d+)/.exec((await get('/metrics', '127.0.0.9')).body)?.[1] ?? 0);
  // A publish: the 429 page kept for the site before is not sent for this one, so the route renders the first refusal.
  await adminPost(server.url, ADMIN_TOKEN, '/api/admin/incidents', makeIncident({ title: 'Payments slow to settle' }));
  // The budget of new searches a second, spent by the test before, is whole again.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const flood = [];
  for (let n = 0; n < 25; n++) flood.push(await get(`/search?q=payments${n % 3}`, '127.0.3.1'));
  const refused = flood.filter((a) => a.status === 429);
  expect(refused).toHaveLength(5);
  // The first refusal is the route's (it renders the page); the rest are answered before routing: the same answer.
  const comparable = (a: Answer) => {
    const { date, 'x-request-id': id, 'retry-after': wait, ...rest } = a.headers;
    expect(id).toMatch(/^[\w-]+$/);
    expect(Number(wait)).toBeGreaterThan(0);
    return { status: a.status, headers: rest, body: a.body };
  };
  for (const answer of refused.slice(1)) expect(comparable(answer)).toEqual(comparable(refused[0] as Answer));
  const head = await get('/search?q=payments', '127.0.3.1', 'HEAD');
  expect(head.status).toBe(429);
  expect(head.body).toBe('');
  expect(comparable(head).headers).toEqual(comparable(refused[0] as Answer).headers);
  // Another address still searches; a path that only starts like the search is not refused.
  expect((await get('/search?q=payments0', '127.0.3.2')).status).toBe(200);
  expect((await get('/searching', '127.0.3.1')).status).toBe(404);
  // Answered before routing: summed in the access tally (LOG_READS=summary), like a published file, not a line each.
  const lines = server.output();
  expect(lines).toContain(String(refused[0]?.headers['x-request-id']));
  for (const answer of refused.slice(1)) expect(lines).not.toContain(String(answer.headers['x-request-id']));
  const refusedAfter = Number(/herald_search_refused_total\{reason="throttled"\} (\d+)/.exec((await get('/metrics', '127.0.0.9')).body)?.[1] ?? 0);
  expect(refusedAfter - refusedBefore).toBe(6);
});
