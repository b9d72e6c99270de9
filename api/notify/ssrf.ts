/**
 * Keeps webhooks off the inside of the network: a target must be https, and every address
 * its name resolves to — at connect time, on every redirect — must be public. Not
 * loopback, private, link-local, CGNAT, multicast or unspecified, and no IPv4-mapped or
 * NAT64 IPv6 (which would smuggle an IPv4 address past an IPv6-only check).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

// Two lists: a BlockList matches an IPv4 address against its IPv4-mapped IPv6 rules too, so
// the ::ffff:0:0/96 rule would otherwise block every IPv4 address.
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['::ffff:0:0', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001:db8::', 32],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['::', 96],
] as const) blocked6.addSubnet(net, prefix, 'ipv6');

/**
 * Whether a webhook may not connect to `address`.
 * @example isForbiddenAddress('10.1.2.3') // true
 * @example isForbiddenAddress('::ffff:93.184.216.34') // true (IPv4-mapped)
 * @example isForbiddenAddress('93.184.216.34') // false
 */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return family === 4 ? blocked4.check(address, 'ipv4') : blocked6.check(address, 'ipv6');
}

export class ForbiddenTargetError extends Error {
  override readonly name = 'ForbiddenTargetError';
}

/** Checks a URL before any connection: https only, and a literal IP must be public (unless local targets are allowed). */
export function assertTargetUrl(url: URL, allowLocal: boolean): void {
  if (url.protocol !== 'https:' && !(allowLocal && url.protocol === 'http:')) {
    throw new ForbiddenTargetError(`[Webhooks] ${url.origin} is not https; only https targets are allowed.`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowLocal && isIP(host) && isForbiddenAddress(host)) {
    throw new ForbiddenTargetError(`[Webhooks] ${host} is a loopback, private or link-local address; set WEBHOOK_ALLOW_LOCAL=true to allow it.`);
  }
}

/**
 * A DNS lookup for `http.request` that refuses forbidden addresses: the check and the
 * connection use the same answer, so a name cannot resolve to a public address for the
 * check and a private one for the connection (DNS rebinding).
 */
export function guardedLookup(allowLocal: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const bad = allowLocal ? undefined : list.find((a) => isForbiddenAddress(a.address));
      if (bad) return callback(new ForbiddenTargetError(`[Webhooks] ${hostname} resolves to ${bad.address}, a loopback, private or link-local address.`), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}
