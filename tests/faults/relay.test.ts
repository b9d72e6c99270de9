/**
 * SMTP failures must not unsubscribe anyone. A real relay (smtp-server on 127.0.0.1) that
 * refuses Herald's credentials, refuses its sender or drops the connection is an outage of the
 * relay: the notices wait and are retried, /healthz/delivery is red with what is wrong and since
 * when, the log says so once, and once the relay takes mail again every notice goes out, once.
 * Only a relay refusing one recipient (5xx to RCPT TO) stops mail to that address.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { createMailer, type Mailer } from '../../api/platform/delivery/mailer.ts';
import type { Log } from '../../api/platform/log/log.ts';
import { makeIncident } from '../support/factories.ts';
import { makeTestApp, type TestApp } from '../support/app.ts';

type Fault = 'greeting' | 'auth' | 'sender' | 'data' | 'drop' | null;

/**
 * A relay that needs AUTH and can be told to fail at each step: 421 at the greeting, 535 to AUTH,
 * 550 to MAIL FROM, 554 after DATA, a dropped connection, or 550 to RCPT TO for some addresses.
 */
async function startRelay() {
  const received: { to: string; messageId: string }[] = [];
  const state = { fault: null as Fault, refuse: new Set<string>() };
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      if (state.fault === 'greeting') return callback(Object.assign(new Error('Too many connections, try again later'), { responseCode: 421 }));
      callback();
    },
    onAuth(auth, _session, callback) {
      if (state.fault === 'auth' || auth.username !== 'herald' || auth.password !== 'relay-password')
        return callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
      callback(null, { user: auth.username });
    },
    onMailFrom(_address, _session, callback) {
      if (state.fault === 'sender') return callback(Object.assign(new Error('Sender address rejected: not owned by user herald'), { responseCode: 550 }));
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (state.refuse.has(address.address.toLowerCase())) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      if (state.fault === 'data') {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Message rejected: relay policy'), { responseCode: 554 })));
        return;
      }
      simpleParser(stream).then((mail) => {
        for (const to of session.envelope.rcptTo) received.push({ to: to.address.toLowerCase(), messageId: mail.messageId ?? '' });
        callback();
      }, callback);
    },
  });
  server.on('error', () => {});
  // A dropped connection: accepted, then closed before a word is said.
  server.server.on('connection', (socket: import('node:net').Socket) => {
    if (state.fault === 'drop') socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://herald:relay-password@127.0.0.1:${port}`, received, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A log that keeps its lines, to count them. */
function recordingLog() {
  const lines: { level: 'info' | 'warn' | 'error'; text: string }[] = [];
  const keep =
    (level: 'info' | 'warn' | 'error') =>
    (...args: unknown[]) =>
      lines.push({ level, text: args.map(String).join(' ') });
  const log: Log = { info: keep('info'), warn: keep('warn'), error: keep('error') };
  return { log, lines };
}

const SUBSCRIBERS = Array.from({ length: 20 }, (_, i) => `reader${i + 1}@example.com`);

let relay: Awaited<ReturnType<typeof startRelay>>;
let mailer: Mailer;
let t: TestApp;
let lines: ReturnType<typeof recordingLog>['lines'];
beforeAll(async () => {
  relay = await startRelay();
});
afterAll(async () => {
  await relay.close();
});
afterEach(() => {
  mailer?.close();
  t?.db.close();
  relay.received.length = 0;
  relay.state.fault = null;
  relay.state.refuse.clear();
});

/** Herald with 20 confirmed subscribers (imported with their consent) and its mail going to the relay. */
async function heraldWithSubscribers() {
  mailer = createMailer({ smtpUrl: relay.url, from: 'Example Status <status@status.example.test>', outboxDir: '/nonexistent' });
  const recording = recordingLog();
  lines = recording.lines;
  t = await makeTestApp({ mailer, log: recording.log });
  const imported = await t.call('POST', '/api/admin/subscribers/import', { csv: ['email', ...SUBSCRIBERS].join('\n'), consent: true });
  expect(imported.json).toMatchObject({ added: 20, confirmed: 20 });
}

const counts = async () => (await t.call('GET', '/api/admin/subscribers')).json.counts;
const deliveryHealth = async () => {
  const res = await t.app.request('/healthz/delivery');
  return { status: res.status, body: await res.json() };
};
const metric = async (pattern: RegExp) => Number(pattern.exec(await (await t.app.request('/metrics')).text())?.[1] ?? 0);
const errorsSaying = (text: string) => lines.filter((l) => l.level === 'error' && l.text.includes(text));

/** The part of the relay each fault is counted under on /metrics. */
const REASON = { greeting: 'connection', auth: 'auth', sender: 'sender', data: 'message', drop: 'connection' } as const;

describe('a relay that fails for every mail', () => {
  it.each([
    ['refuses Herald’s credentials (535 to AUTH)', 'auth', /535/],
    ['refuses Herald’s sender (550 to MAIL FROM)', 'sender', /550/],
    ['turns Herald away at the greeting (421)', 'greeting', /421/],
    ['rejects every message after DATA (554)', 'data', /554/],
    ['drops the connection', 'drop', /closed|ECONNECTION/i],
  ] as const)('%s: unsubscribes nobody, says so once, and delivers every notice once when it recovers', async (_, fault, answer) => {
    await heraldWithSubscribers();
    relay.state.fault = fault;
    const posted = t.clock.now().toISOString();
    expect((await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1' }))).status).toBe(201);
    await t.herald.sender.drain();

    expect(await counts()).toEqual({ pending: 0, confirmed: 20, unsubscribed: 0, suppressed: 0, paused: 0 });
    const red = await deliveryHealth();
    expect(red.status).toBe(503);
    expect(red.body).toMatchObject({
      status: 'failing',
      failing: [{ channel: 'mail', since: posted, failures: 20, lastError: expect.stringMatching(answer) }],
    });
    const health = await t.app.request('/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'degraded', database: 'ok', delivery: 'failing' });
    expect(await metric(new RegExp(`^herald_delivery_channel_failures_total\\{channel="mail",reason="${REASON[fault]}"\\} (\\d+)$`, 'm'))).toBe(20);

    // Still down at the first retry: still nobody suppressed, still one error line for the outage.
    t.clock.advance(30_000);
    await t.herald.sender.drain();
    expect((await counts()).suppressed).toBe(0);
    expect((await deliveryHealth()).body.failing[0]).toMatchObject({ since: posted, failures: 40 });
    expect(errorsSaying('[Mail] Nothing can be sent')).toHaveLength(1);
    expect(await metric(/^herald_delivery_outage_seconds\{channel="mail"\} (\d+)$/m)).toBe(30);
    expect(relay.received).toEqual([]);

    relay.state.fault = null;
    t.clock.advance(60_000);
    await t.herald.sender.drain();
    expect(relay.received.map((m) => m.to).sort()).toEqual([...SUBSCRIBERS].sort());
    expect(new Set(relay.received.map((m) => m.messageId)).size).toBe(20);
    expect((await deliveryHealth()).status).toBe(200);
    expect((await t.app.request('/healthz')).status).toBe(200);
    expect(await counts()).toEqual({ pending: 0, confirmed: 20, unsubscribed: 0, suppressed: 0, paused: 0 });
    expect(lines.filter((l) => l.level === 'info' && l.text.includes('[Mail] Delivering again'))).toHaveLength(1);
    // Nothing more is owed: a later pass sends nothing again.
    t.clock.advance(60 * 60_000);
    expect(await t.herald.sender.drain()).toBe(0);
    expect(relay.received).toHaveLength(20);
  });

  it('sends what waited as soon as one notice gets through, not at each row’s own backoff', async () => {
    await heraldWithSubscribers();
    relay.state.fault = 'auth';
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1', title: 'First' }));
    await t.herald.sender.drain();
    t.clock.advance(30_000);
    await t.herald.sender.drain(); // second failures: their next try is a minute away
    relay.state.fault = null;
    t.clock.advance(5_000);
    // A new notice goes out and shows the relay works: the 20 waiting ones follow at once.
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1', title: 'Second' }));
    await t.herald.sender.drain();
    expect(relay.received).toHaveLength(40);
    expect((await deliveryHealth()).status).toBe(200);
  });
});

describe('a relay that refuses one recipient for good', () => {
  it('suppresses that address only; the relay is not failing', async () => {
    await heraldWithSubscribers();
    relay.state.refuse.add('reader7@example.com');
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1' }));
    await t.herald.sender.drain();
    expect(relay.received.map((m) => m.to).sort()).toEqual(SUBSCRIBERS.filter((s) => s !== 'reader7@example.com').sort());
    expect(await counts()).toEqual({ pending: 0, confirmed: 19, unsubscribed: 0, suppressed: 1, paused: 0 });
    const [gone] = (await t.call('GET', '/api/admin/subscribers?state=suppressed')).json.subscribers;
    expect(gone).toMatchObject({ email: 'reader7@example.com', suppressedReason: expect.stringContaining('550') });
    expect((await deliveryHealth()).status).toBe(200);
    expect((await t.app.request('/healthz')).status).toBe(200);
    expect(await metric(/^herald_deliveries_total\{channel="mail",outcome="suppressed"\} (\d+)$/m)).toBe(1);
    expect(errorsSaying('[Mail]')).toEqual([]);
  });
});
