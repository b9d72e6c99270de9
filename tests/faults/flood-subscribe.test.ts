/**
 * A sign-up flood against a real Herald with its default settings and a real SMTP relay, from
 * many real loopback addresses (127.0.3.x, all routed to this machine): an address past its
 * share is refused with 429, all of them together past the budget with 503, both with
 * Retry-After; every sign-up taken gets its one confirmation mail and every one refused
 * leaves nothing behind; the pages are answered throughout, the comms lead's incident is
 * taken at once and its subscriber hears of it: confirmations go out on a lane of their own.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeIncident } from '../support/factories.ts';
import { removeDir, type RunningServer, startServer } from '../support/server.ts';
import { eventually, startSmtpSink, type SmtpSink } from '../support/sinks.ts';

const TOKEN = 'subscribe-flood-admin-token-0123456789';
const PUBLIC = 'https://status.example.test';
const ADDRESSES = 30;
const EACH = 12;

let server: RunningServer;
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startServer({ SMTP_URL: smtp.url, HERALD_ADMIN_TOKEN: TOKEN, PUBLIC_URL: PUBLIC, MAIL_FROM: 'Status <status@status.example.test>' });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
  if (server) removeDir(server.dir);
});

type Answer = { status: number; retryAfter: string | null; body: string };

/** `method` `path` from the local address `from`, on a fresh connection. */
const send = (method: string, path: string, from: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = request(
      `${server.url}${path}`,
      {
        method,
        localAddress: from,
        agent: false,
        headers: { accept: 'text/html', ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] ?? null, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const mailsTo = (address: string) => smtp.mails.filter((m) => m.recipients.includes(address) || m.to.includes(address));

it('refuses one address past its share with 429 and Retry-After', async () => {
  const answers = [];
  for (let n = 0; n < EACH; n++) answers.push(await send('POST', '/subscribe', '127.0.5.1', { email: `one-${n}@example.com`, services: 'api' }));
  expect(answers.map((a) => a.status)).toEqual([...Array(10).fill(200), ...Array(EACH - 10).fill(429)]);
  for (const refused of answers.slice(10)) {
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(600);
  }
  expect((await send('POST', '/subscribe', '127.0.5.2', { email: 'two@example.com', services: 'api' })).status).toBe(200);
}, 60_000);

it('takes a flood from many addresses within its budget, loses nothing, answers the pages and delivers the incident declared during it', async () => {
  // Zoe subscribed before the flood.
  expect((await send('POST', '/subscribe', '127.0.0.1', { email: 'zoe@example.com', services: 'api' })).status).toBe(200);
  await eventually(() => mailsTo('zoe@example.com').length === 1, 'the confirmation reaches Zoe');
  const confirmUrl = /https:\S+\/subscribe\/confirm\/\S+/.exec(mailsTo('zoe@example.com')[0]?.parsed.text ?? '')?.[0] as string;
  expect((await send('POST', confirmUrl.slice(PUBLIC.length), '127.0.0.1', {})).status).toBe(200);
  await eventually(() => smtp.count() > 0 && !smtp.mails.some((m) => m.recipients.includes('zoe@example.com') && m.subject === ''), 'settled');
  const before = smtp.count();

  // Thirty addresses at once, each sending twelve sign-ups back to back; pages read from others meanwhile, and an incident declared.
  const flood = Array.from({ length: ADDRESSES }, async (_, address) => {
    const answers: Answer[] = [];
    for (let n = 0; n < EACH; n++) {
      answers.push(await send('POST', '/subscribe', `127.0.3.${1 + address}`, { email: `flood-${n * ADDRESSES + address}@example.com`, services: 'api' }));
    }
    return answers;
  });
  const signups = Promise.all(flood).then((byAddress) => {
    const all: Answer[] = [];
    for (let n = 0; n < EACH; n++) for (const answers of byAddress) all.push(answers[n] as Answer);
    return all;
  });
  const pages = Array.from({ length: 20 }, (_, n) => send('GET', n % 2 ? '/' : '/history', `127.0.4.${1 + n}`));
  const declared = await fetch(`${server.url}/api/admin/incidents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(makeIncident({ title: 'Declared during a sign-up flood' })),
  });
  expect(declared.status).toBe(201);
  const answers = await signups;

  const statuses = answers.map((a) => a.status);
  const taken = answers.flatMap((a, n) => (a.status === 200 ? [`flood-${n}@example.com`] : []));
  expect(
    statuses.every((s) => s === 200 || s === 429 || s === 503),
    statuses.join(' '),
  ).toBe(true);
  expect(taken.length).toBeGreaterThan(0);
  // No address got more than its share.
  const perAddress = Map.groupBy(taken, (email) => Number(/\d+/.exec(email)?.[0]) % ADDRESSES);
  expect(Math.max(...[...perAddress.values()].map((e) => e.length))).toBeLessThanOrEqual(10);
  for (const busy of answers.filter((a) => a.status === 503)) expect(busy.retryAfter).toBe('1');
  for (const refused of answers.filter((a) => a.status === 429)) expect(Number(refused.retryAfter)).toBeGreaterThan(0);
  expect((await Promise.all(pages)).map((a) => a.status)).toEqual(Array(20).fill(200));

  // The page tells the truth at once; Zoe hears of the incident; every sign-up taken gets its one confirmation, no other.
  expect((await send('GET', '/', '127.0.4.99')).body).toContain('Declared during a sign-up flood');
  await smtp.waitFor(before + taken.length + 1, 60_000);
  expect(mailsTo('zoe@example.com').filter((m) => m.subject.includes('Declared during a sign-up flood'))).toHaveLength(1);
  const confirmed = smtp.mails.slice(before).flatMap((m) => m.recipients.filter((r) => r.startsWith('flood-')));
  expect(confirmed.sort()).toEqual([...taken].sort());
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
}, 120_000);
