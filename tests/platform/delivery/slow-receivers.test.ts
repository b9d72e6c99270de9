/**
 * A webhook receiver that answers slowly — one byte every few seconds, forever — or answers
 * without end is cut off at a total deadline, and never holds up mail: sign-up confirmations
 * and incident notices go out while it drips.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { guardedPost } from '../../../api/platform/delivery/http-post.ts';
import { makeIncident } from '../../support/factories.ts';
import { removeDir, startServer, type RunningServer } from '../../support/server.ts';
import { startSmtpSink, type SmtpSink } from '../../support/sinks.ts';

const listen = async (server: Server | ReturnType<typeof createTcpServer>) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
};

/**
 * A receiver that drips its answer one byte every `everyMs`, until the client hangs up or the
 * receiver is closed: the status line itself (`before: 'headers'`) or the body after a 200.
 */
async function startDripReceiver(options: { everyMs: number; before: 'headers' | 'body' }) {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  let hungUp = 0;
  /** Writes `first`, then `again` over and over, one byte per tick. */
  const drip = (socket: Socket, first: string, again: string) => {
    let i = 0;
    const byte = () => (i < first.length ? first[i] : again[(i - first.length) % again.length]) as string;
    const timer = setInterval(() => (socket.write(byte()), i++), options.everyMs);
    timers.add(timer);
    socket.on('close', () => (clearInterval(timer), timers.delete(timer), hungUp++));
  };
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n') || head === 'seen') return;
      head = 'seen';
      requests++;
      if (options.before === 'headers') return drip(socket, 'HTTP/1.1 200 OK\r\n', 'x-slow: 1\r\n');
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n');
      drip(socket, '', '1\r\n.\r\n');
    });
  });
  const url = await listen(server);
  return {
    url,
    requests: () => requests,
    hungUp: () => hungUp,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('a webhook delivery has a total deadline and a size cap', () => {
  it.each(['headers', 'body'] as const)(
    'gives up on a receiver that drips its %s a byte at a time, at the deadline',
    async (before) => {
      const receiver = await startDripReceiver({ everyMs: 200, before });
      closers.push(receiver.close);
      await expect(guardedPost(`${receiver.url}/hook`, '{}', {}, { allowLocal: true, deadlineMs: 1500 })).rejects.toThrow(
        /did not finish answering within 1\.5 s/,
      );
      await expect.poll(receiver.hungUp).toBe(1);
    },
    20_000,
  );

  it('reads at most the first 64 KiB of an answer and hangs up on the rest', async () => {
    const total = 64 * 1024 * 1024;
    let written = 0;
    let closed = false;
    const server = createHttpServer((req, res) => {
      req.resume();
      res.on('close', () => (closed = true));
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': total });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (written >= total) res.end();
      };
      pump();
    });
    const url = await listen(server);
    closers.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    const answer = await guardedPost(`${url}/hook`, '{}', {}, { allowLocal: true });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('x'.repeat(2000));
    // Herald hung up long before the receiver could push all 64 MiB through.
    await expect.poll(() => closed).toBe(true);
    expect(written).toBeLessThan(total / 2);
  });
});

describe('a webhook receiver that drips forever, on the real server with default settings', () => {
  const TOKEN = 'slow-receiver-admin-token-0123456789ab';
  const PUBLIC = 'https://status.example.test';
  let server: RunningServer;
  let smtp: SmtpSink;
  let receiver: Awaited<ReturnType<typeof startDripReceiver>>;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    receiver = await startDripReceiver({ everyMs: 2000, before: 'body' });
    server = await startServer({ SMTP_URL: smtp.url, HERALD_ADMIN_TOKEN: TOKEN, PUBLIC_URL: PUBLIC, WEBHOOK_ALLOW_LOCAL: 'true' });
  });
  afterAll(async () => {
    await receiver.close();
    await server.stop();
    await smtp.close();
    removeDir(server.dir);
  });
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  /** Resolves with the ms until a mail to `to` whose subject matches arrives, or rejects after `withinMs`. */
  const mailArrival = (to: string, subject: RegExp, since: number, withinMs: number) =>
    new Promise<number>((resolve, reject) => {
      const check = setInterval(() => {
        if (smtp.to(to).some((m) => subject.test(m.parsed.subject ?? ''))) clearInterval(check), resolve(Date.now() - since);
        else if (Date.now() - since > withinMs)
          clearInterval(check),
            reject(new Error(`no "${subject}" mail to ${to} within ${withinMs} ms; the receiver has ${receiver.requests()} request(s) open`));
      }, 50);
    });

  it('still sends a subscription confirmation and a P1 notice within 15 s each', async () => {
    expect((await admin('POST', '/api/admin/webhooks', { url: `${receiver.url}/hook` })).status).toBe(201);
    const csv = 'email\nann@example.com';
    expect((await admin('POST', '/api/admin/subscribers/import', { csv, consent: true })).status).toBe(201);
    // The first incident's webhook starts dripping…
    expect((await admin('POST', '/api/admin/incidents', makeIncident({ title: 'First' }))).status).toBe(201);
    await expect.poll(receiver.requests, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);

    // …while someone signs up, and the comms lead posts a P1.
    const signUp = Date.now();
    const form = new URLSearchParams({ email: 'zoe@example.com' }).toString();
    expect(
      (await fetch(`${server.url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form })).status,
    ).toBe(200);
    const confirmation = await mailArrival('zoe@example.com', /^Confirm your subscription/, signUp, 15_000);

    const posted = Date.now();
    const p1 = (await (await admin('POST', '/api/admin/incidents', makeIncident({ severity: 'P1', title: 'Second' }))).json()).ref;
    const notice = await mailArrival('ann@example.com', new RegExp(`Second \\(${p1}\\)`), posted, 15_000);
    console.info(`[slow receiver] confirmation mail after ${confirmation} ms, P1 notice after ${notice} ms, with a receiver dripping a byte every 2 s`);
    expect(confirmation).toBeLessThan(15_000);
    expect(notice).toBeLessThan(15_000);
  }, 60_000);
});
