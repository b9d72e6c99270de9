/**
 * A webhook receiver that answers slowly — one byte every few seconds, forever — or answers
 * without end is cut off at a total deadline, and never holds up mail: sign-up confirmations
 * and incident notices go out while it drips.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { guardedPost } from '../../api/notify/http-post.ts';

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
  it.each(['headers', 'body'] as const)('gives up on a receiver that drips its %s a byte at a time, at the deadline', async (before) => {
    const receiver = await startDripReceiver({ everyMs: 200, before });
    closers.push(receiver.close);
    await expect(guardedPost(`${receiver.url}/hook`, '{}', {}, { allowLocal: true, deadlineMs: 1500 })).rejects.toThrow(/did not finish answering within 1\.5 s/);
    await expect.poll(receiver.hungUp).toBe(1);
  }, 20_000);

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
