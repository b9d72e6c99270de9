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
import { isIP, type LookupFunction } from 'node:net';
import { isForbiddenAddress, targetProblem } from './addresses.ts';

export { isForbiddenAddress };

export class ForbiddenTargetError extends Error {
  override readonly name = 'ForbiddenTargetError';
}

/** Checks a URL before any connection (see `targetProblem`); throws ForbiddenTargetError saying why. */
export function assertTargetUrl(url: URL, allowLocal: boolean): void {
  const problem = targetProblem(url, allowLocal);
  if (problem) throw new ForbiddenTargetError(`[Webhooks] ${problem}`);
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
      if (bad)
        return callback(new ForbiddenTargetError(`[Webhooks] ${hostname} resolves to ${bad.address}, a loopback, private or link-local address.`), '', 0);
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
  if (bad)
    throw new ForbiddenTargetError(
      `[Webhooks] ${host} resolves to ${bad.address}, a loopback, private or link-local address; set WEBHOOK_ALLOW_LOCAL=true to allow it (development only).`,
    );
  if (addresses.length === 0) throw new ForbiddenTargetError(`[Webhooks] ${host} resolves to no address; check the name.`);
}
