import type { IncomingMessage, ServerResponse } from 'node:http';
import { addressOf } from '../platform/http/client-address.ts';
import { createThrottle } from '../platform/http/throttle.ts';
import type { CachedPage } from './search-cache.ts';

/** Searches one client address may make: a person refining a search makes a few a minute. */
export const SEARCH_THROTTLE = { limit: 20, windowMs: 60_000 } as const;

/** The 429 page as sent: its bytes and headers, for the published site it was rendered from. */
type Refusal = { site: object; body: Buffer; headers: [string, string][] };

/**
 * Each client address's share of the public search, and the answer to an address past it,
 * given before any routing. An address flooding the search is refused at the cost of a
 * published file (a lookup and a write, its line in the access tally), not of a routed
 * request: one client's flood takes no more from the published pages than a crowd as large
 * reading them (bench: `/` under a search flood).
 *
 * The route (`search-route.ts`) counts every search and renders the 429 page once per
 * published site; from then on, until the next publish, `refuseEarly` answers an address that
 * is over its share with those same bytes and headers. Anything else (an address within its
 * share, a page not rendered yet, another site published since) goes on to the route.
 */
export function createSearchGate(options: {
  trustProxy: number;
  /** The published site now: a refusal rendered for an older one is not sent. */
  current: () => object | null;
  now: () => Date;
  onRefused: () => void;
}) {
  const perAddress = createThrottle({ ...SEARCH_THROTTLE, maxKeys: 10_000 });
  let refusal: Refusal | null = null;

  const retryAfter = (address: string, now: Date) => String(Math.max(1, Math.ceil(perAddress.wait(address, now) / 1000)));

  return {
    /** Counts a search by `address`; false when it is over its share (the search is not counted then). */
    admit: (address: string, now: Date) => perAddress.hit(address, now),
    /** The Retry-After, in seconds, for an address over its share. */
    retryAfter,
    /** Keeps the 429 page `page`, rendered for the published `site`, to answer with before routing. */
    keepRefusal(site: object, page: CachedPage) {
      if (refusal?.site === site) return;
      const headers = Object.entries({ 'content-type': 'text/html; charset=UTF-8', ...page.headers });
      refusal = { site, body: Buffer.from(page.body), headers };
    },
    /**
     * Answers GET or HEAD /search from an address over its share with the kept 429 page.
     * @returns the body's size once answered; false when the route is to answer.
     */
    refuseEarly(req: IncomingMessage, res: ServerResponse, requestId: string): number | false {
      const method = req.method;
      if (method !== 'GET' && method !== 'HEAD') return false;
      const url = req.url ?? '';
      if (!url.startsWith('/search') || (url.length > 7 && url[7] !== '?')) return false;
      if (!refusal || refusal.site !== options.current()) return false;
      const forwardedFor = options.trustProxy > 0 ? req.headers['x-forwarded-for'] : undefined;
      const address = addressOf(
        req.socket.remoteAddress ?? 'unknown',
        Array.isArray(forwardedFor) ? forwardedFor.join(', ') : forwardedFor,
        options.trustProxy,
      );
      const now = options.now();
      if (perAddress.wait(address, now) === 0) return false;
      options.onRefused();
      const body = method === 'GET' ? refusal.body : null;
      res.writeHead(429, [
        ...refusal.headers.flat(),
        'content-length',
        String(refusal.body.byteLength),
        'retry-after',
        retryAfter(address, now),
        'x-request-id',
        requestId,
      ]);
      res.end(body ?? undefined);
      return body?.byteLength ?? 0;
    },
  };
}

export type SearchGate = ReturnType<typeof createSearchGate>;
