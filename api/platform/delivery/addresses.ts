/**
 * Which network addresses a webhook may reach, as a pure rule (no I/O): IANA's special-purpose
 * registries, and every IPv6 form that carries an IPv4 address inside it. The network side
 * (DNS, connections) is api/platform/delivery/ssrf.ts; the start-up check of SLACK_WEBHOOK_URL uses
 * `targetProblem` from here too.
 */
import { BlockList, isIP } from 'node:net';

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
] as const)
  blocked4.addSubnet(net, prefix, 'ipv4');
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
] as const)
  blocked6.addSubnet(net, prefix, 'ipv6');

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

/**
 * What is wrong with a webhook target before any connection, or null: https only, and a
 * literal IP must be public (unless local targets are allowed). A name is judged after DNS.
 * @example targetProblem(new URL('http://hooks.example.com/'), false) // 'http://hooks.example.com is not https; …'
 */
export function targetProblem(url: URL, allowLocal: boolean): string | null {
  if (url.protocol !== 'https:' && !(allowLocal && url.protocol === 'http:')) return `${url.origin} is not https; only https targets are allowed.`;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowLocal && isIP(host) && isForbiddenAddress(host)) {
    return `${host} is a loopback, private or link-local address; set WEBHOOK_ALLOW_LOCAL=true to allow it (development only).`;
  }
  return null;
}
