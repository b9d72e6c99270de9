/**
 * Listening for a crowd: when an incident sends thousands of readers to the page at once, each
 * new connection must be taken in quickly, even while the open ones keep the server busy.
 *
 * Node (libuv 1.45 and later) accepts one new connection per turn of its event loop, and under
 * load a turn serves every connection with a request waiting: tens of milliseconds. So 1,000
 * connections opened at once were taken in over 10 s, and the last readers waited that long
 * for a page that takes milliseconds to send (measured with wrk, bare node:http and Herald
 * alike). On Linux Herald therefore listens on ACCEPTORS sockets bound to the same port with
 * SO_REUSEPORT: the kernel spreads new connections over them and each turn takes one from each.
 * Every connection, whichever socket took it, is handed to the one HTTP server, so timeouts,
 * connection tracking and shutdown stay as they are.
 *
 * SO_REUSEPORT would also let a second process on the same port silently take half the
 * readers. So the port is first bound once without it: if anything else holds the port, the
 * start fails with EADDRINUSE as it always did.
 */
import type { Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type ListenOptions, type Server as NetServer } from 'node:net';

/**
 * How many connections the kernel may hold for each socket before Herald accepts them (Linux
 * caps it at net.core.somaxconn, 4096 by default). Node's default, 511, overflows when 1,000
 * readers connect at once: the kernel drops the rest of the handshakes and they retry 1–3 s later.
 */
export const LISTEN_BACKLOG = 4096;

/** Listening sockets on Linux; elsewhere SO_REUSEPORT does not spread connections, and one is used. */
export const ACCEPTORS = 64;

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
 * Starts `server` listening on `host`:`port` with `acceptors` sockets (see the module's comment).
 * Should the system refuse SO_REUSEPORT, it listens on one socket and says why in `fallback`.
 * `bind` is how one socket is bound (a seam for tests).
 */
export async function listen(server: Server, host: string, port: number, acceptors = process.platform === 'linux' ? ACCEPTORS : 1, bind = listenOn): Promise<Listening> {
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
    return single(`SO_REUSEPORT refused (${(error as Error).message}): one listening socket, so a burst of new connections is accepted one per event-loop turn`);
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
