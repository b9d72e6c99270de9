import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { isIP } from 'node:net';

/**
 * The client's address, for throttles. With `trustedProxies` = 0 it is the socket's peer.
 * Behind N proxies (TRUST_PROXY=N) each proxy appends the address it was reached from to
 * X-Forwarded-For, so the client is the Nth entry from the right; entries further left were
 * written by the client itself and prove nothing. When the header has fewer entries than
 * that, the leftmost one is the best there is.
 *
 * @example clientAddress(c, 1) // with "X-Forwarded-For: 1.1.1.1, 203.0.113.9" → '203.0.113.9'
 */
export function clientAddress(c: Context, trustedProxies: number): string {
  const peer = socketAddress(c);
  if (trustedProxies <= 0) return peer;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const entry = hops[Math.max(0, hops.length - trustedProxies)];
  return entry && isIP(entry) ? entry : peer;
}

function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // No socket (app.request in tests, or another runtime): every such request shares one key.
    return 'unknown';
  }
}
