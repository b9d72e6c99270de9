/**
 * Listening for a crowd: when an incident sends thousands of readers to the page at once, each
 * new connection must be taken in, even while the open ones keep the server busy.
 *
 * By default Herald listens on one socket, bound without SO_REUSEPORT, with a backlog of 4,096:
 * no other process can bind the port while Herald holds it (EADDRINUSE), so every reader who
 * reaches the port reaches Herald; and a burst of connections waits in the kernel's queue
 * rather than being dropped and retried seconds later.
 *
 * What one socket costs: Node (libuv 1.45 and later) accepts one new connection per turn of its
 * event loop, and under load a turn serves every connection with a request waiting, so a burst
 * of 1,000 connections is taken in over several seconds (docs/performance.md has the figures).
 * LISTEN_SOCKETS=N opts into N sockets bound to the port with SO_REUSEPORT, each turn taking one
 * from each; every connection, whichever socket took it, is handed to the one HTTP server. The
 * risk is the option's: Linux lets any other process running as the same user bind the same
 * port with SO_REUSEPORT too, and the kernel then silently hands it a share of the readers (a
 * stray dev server, or anything that user runs, answering with its own page). The port is
 * first bound once without it, so a port already held still fails the start with EADDRINUSE;
 * nothing stops a process that binds after Herald.
 */
import type { Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type ListenOptions, type Server as NetServer } from 'node:net';

/**
 * How many connections the kernel may hold for each socket before Herald accepts them (Linux
 * caps it at net.core.somaxconn, 4096 by default). Node's default, 511, overflows when 1,000
 * readers connect at once: the kernel drops the rest of the handshakes and they retry 1–3 s later.
 */
export const LISTEN_BACKLOG = 4096;

export type Listening = {
  /** `http://host:port`, with the port the server got (PORT=0 picks a free one). */
  url: string;
  /** How many sockets it listens on. */
  sockets: number;
  /** Why it listens on one socket where it meant to listen on more (the system refused SO_REUSEPORT). */
  fallback?: string;
  /** Stops accepting on every socket; resolves when the connections they took in have closed. */
  close(): Promise<void>;
};

/**
 * Starts `server` listening on `host`:`port`: one socket, or `acceptors` sockets sharing the
 * port with SO_REUSEPORT (see the module's comment for the risk). Should the system refuse
 * SO_REUSEPORT, it listens on one socket and says why in `fallback`. `bind` is how one socket
 * is bound (a seam for tests).
 */
export async function listen(server: Server, host: string, port: number, acceptors = 1, bind = listenOn): Promise<Listening> {
  const options: ListenOptions = { host, port, backlog: LISTEN_BACKLOG };
  const single = async (fallback?: string): Promise<Listening> => {
    await bind(server, options);
    return { url: urlOf(host, server), sockets: 1, fallback, close: () => closed(server) };
  };
  if (acceptors <= 1) return single();
  // The port alone first: EADDRINUSE if another process holds it, and PORT=0's choice.
  const probe = createNetServer();
  await bind(probe, options);
  options.port = (probe.address() as AddressInfo).port;
  await closed(probe);
  const shared: ListenOptions = { ...options, reusePort: true };
  // The HTTP server's own socket options, for the connections the other sockets take in.
  const handOver = { allowHalfOpen: true, noDelay: true };
  const others = Array.from({ length: acceptors - 1 }, () => createNetServer(handOver, (socket) => server.emit('connection', socket)));
  try {
    await bind(server, shared);
    await Promise.all(others.map((other) => bind(other, shared)));
  } catch (error) {
    await Promise.all([server, ...others].map((s) => (s.listening ? closed(s) : undefined)));
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw error;
    return single(
      `SO_REUSEPORT refused (${(error as Error).message}): one listening socket, so a burst of new connections is accepted one per event-loop turn`,
    );
  }
  return { url: urlOf(host, server), sockets: acceptors, close: () => Promise.all([server, ...others].map(closed)).then(() => undefined) };
}

function listenOn(server: NetServer, options: ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const closed = (server: NetServer): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

function urlOf(host: string, server: NetServer): string {
  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
