/**
 * Keeps webhooks off the inside of the network: a target must be https, and every address
 * its name resolves to — when it is registered, and again at connect time, on every
 * redirect — must be public. Not loopback, private, link-local, CGNAT, multicast, reserved
 * or documentation space, and no IPv6 form that carries an IPv4 address inside it (mapped,
 * compatible, translated, NAT64, 6to4, Teredo): those would smuggle 10.0.0.1 or 127.0.0.1
 * past a check that only looks at the IPv6 address.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAll } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

// Two lists: a BlockList matches an IPv4 address against its IPv4-mapped IPv6 rules too, so
// the ::ffff:0:0/96 rule would otherwise block every IPv4 address.
const blocked4 = new BlockList();
const blocked6 = new BlockList();
// IANA's IPv4 and IPv6 special-purpose registries (RFC 6890 and successors), less the few
// entries that are globally reachable and could be someone's real endpoint.
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, and the cloud metadata service at 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const) blocked4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated): ::a.b.c.d
  ['::ffff:0:0', 96], // IPv4-mapped: ::ffff:a.b.c.d
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT): ::ffff:0:a.b.c.d
  ['64:ff9b::', 96], // NAT64 well-known prefix: 64:ff9b::a.b.c.d
  ['64:ff9b:1::', 48], // NAT64 local-use
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments, Teredo 2001::/32 (an IPv4 address, obfuscated, inside) among them
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: 2002:AABB:CCDD::/48 is the IPv4 address AA.BB.CC.DD
  ['3fff::', 20], // documentation (RFC 9637)
  ['5f00::', 16], // SRv6 segment identifiers
  ['fc00::', 7], // unique local (private)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) blocked6.addSubnet(net, prefix, 'ipv6');

/**
 * Whether a webhook may not connect to `address`. An IPv6 address with a zone (`fe80::1%eth0`)
 * is judged without it; anything that is not an IP address at all is forbidden.
 * @example isForbiddenAddress('10.1.2.3') // true
 * @example isForbiddenAddress('::ffff:93.184.216.34') // true (IPv4-mapped)
 * @example isForbiddenAddress('2002:7f00:1::') // true (6to4 of 127.0.0.1)
 * @example isForbiddenAddress('93.184.216.34') // false
 */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return true;
  return family === 4 ? blocked4.check(bare, 'ipv4') : blocked6.check(bare, 'ipv6');
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
    throw new ForbiddenTargetError(`[Webhooks] ${host} is a loopback, private or link-local address; set WEBHOOK_ALLOW_LOCAL=true to allow it (development only).`);
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

/** How a name is resolved at registration: every address, as `http.request` would get them. */
export type ResolveAll = (hostname: string) => Promise<readonly { address: string }[]>;
const resolveAll: ResolveAll = (hostname) => dnsLookupAll(hostname, { all: true });

/**
 * The check made when a webhook is registered, so a target that can never be delivered to is
 * refused then, with the reason, instead of failing unseen at every delivery: the URL as
 * `assertTargetUrl` checks it, and every address its name resolves to now. (Delivery checks
 * again: a name may resolve elsewhere later.)
 */
export async function checkTargetAtRegistration(url: URL, allowLocal: boolean, resolve: ResolveAll = resolveAll): Promise<void> {
  assertTargetUrl(url, allowLocal);
  if (allowLocal) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return;
  let addresses: readonly { address: string }[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    throw new ForbiddenTargetError(`[Webhooks] ${host} does not resolve (${(error as { code?: string }).code ?? (error as Error).message}); check the name.`);
  }
  const bad = addresses.find((a) => isForbiddenAddress(a.address));
  if (bad) throw new ForbiddenTargetError(`[Webhooks] ${host} resolves to ${bad.address}, a loopback, private or link-local address; set WEBHOOK_ALLOW_LOCAL=true to allow it (development only).`);
  if (addresses.length === 0) throw new ForbiddenTargetError(`[Webhooks] ${host} resolves to no address; check the name.`);
}
