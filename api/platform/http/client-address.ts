import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { isIP, isIPv4 } from 'node:net';

/**
 * The client's address, as throttles count it. With `trustedProxies` = 0 it is the socket's
 * peer. Behind N proxies (TRUST_PROXY=N) each proxy appends the address it was reached from to
 * X-Forwarded-For, so the client is the Nth entry from the right; entries further left were
 * written by the client itself and prove nothing. When the header has fewer entries than
 * that, the leftmost one is the best there is. An IPv6 address counts as its /64
 * (`throttleKey`): one machine is routinely given a whole /64 to pick addresses from.
 *
 * @example clientAddress(c, 1) // with "X-Forwarded-For: 1.1.1.1, 203.0.113.9" → '203.0.113.9'
 * @example clientAddress(c, 1) // with "X-Forwarded-For: 2001:db8:1:2::77" → '2001:db8:1:2::/64'
 */
export function clientAddress(c: Context, trustedProxies: number): string {
  return addressOf(socketAddress(c), trustedProxies > 0 ? c.req.header('x-forwarded-for') : undefined, trustedProxies);
}

/**
 * `clientAddress` from the parts of a request: the socket's peer and the X-Forwarded-For
 * header (as node:http joins repeated ones), for code that answers before the router.
 */
export function addressOf(peer: string, forwardedFor: string | undefined, trustedProxies: number): string {
  if (trustedProxies <= 0) return throttleKey(peer);
  const hops = (forwardedFor ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const entry = hops[Math.max(0, hops.length - trustedProxies)];
  return throttleKey(entry && isIP(entry) ? entry : peer);
}

/**
 * What a throttle counts an address as: an IPv4 address as it is (an IPv4-mapped IPv6 one too),
 * an IPv6 address as its /64, anything else (no socket) unchanged.
 * @example throttleKey('::ffff:203.0.113.9') // '203.0.113.9'
 * @example throttleKey('2001:DB8:0:1:aaaa::7') // '2001:db8:0:1::/64'
 */
export function throttleKey(address: string): string {
  const bare = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped && isIPv4(mapped[1] as string)) return mapped[1] as string;
  if (isIP(bare) !== 6) return address;
  const groups = ipv6Groups(bare);
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail read as two groups). */
function ipv6Groups(address: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const text = dotted
    ? address.slice(0, dotted.index) +
      [((Number(dotted[1]) << 8) | Number(dotted[2])).toString(16), ((Number(dotted[3]) << 8) | Number(dotted[4])).toString(16)].join(':')
    : address;
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const front = part(head);
  const back = part(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // No socket (app.request in tests, or another runtime): every such request shares one key.
    return 'unknown';
  }
}
