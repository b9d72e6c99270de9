import { pageSecurityHeaders } from '../platform/http/csp.ts';
import { EMBED_PATH } from './embed.ts';
import type { SnapshotEntry, Snapshot } from './snapshot.ts';

export type ServedResponse = { status: 200 | 304; headers: Record<string, string>; body: Buffer | null };

/** The snapshot path a request path names: `/history/` and `/history/index.html` are `/history`. */
export function snapshotPath(pathname: string): string {
  let path = pathname;
  if (path.endsWith('/index.html')) path = path.slice(0, -'index.html'.length);
  if (path.length > 1 && path.endsWith('/')) path = path.replace(/\/+$/, '');
  return path || '/';
}

/** How much of a public page's URL other sites learn when a reader follows a link. */
export const PUBLIC_REFERRER_POLICY = 'strict-origin-when-cross-origin';

// A page's policy is read once per published version of it, not per request.
const pageHeaders = new WeakMap<SnapshotEntry, Record<string, string>>();
const securityHeadersOf = (entry: SnapshotEntry): Record<string, string> => {
  if (!entry.type.startsWith('text/html')) return { 'referrer-policy': PUBLIC_REFERRER_POLICY };
  let headers = pageHeaders.get(entry);
  // Only the embed is made to be framed by other sites; framing any other page only lends it to clickjacking.
  if (!headers)
    pageHeaders.set(entry, (headers = pageSecurityHeaders(entry.body.toString(), { framing: entry.path === EMBED_PATH, referrer: PUBLIC_REFERRER_POLICY })));
  return headers;
};

/** The best encoding the client accepts: brotli, then gzip, else none. */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  if (!acceptEncoding) return null;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name = '', ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name.trim(), q ? Number(q.slice(2)) : 1);
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}

/**
 * How to answer a GET or HEAD for a published file: the right encoding, validators, and a
 * 304 when the client's copy is current (RFC 9110 §13.1.2: If-None-Match wins over
 * If-Modified-Since; weak comparison, so an encoding's suffix still matches).
 */
export function respondWith(
  entry: SnapshotEntry,
  request: { method: string; ifNoneMatch?: string | undefined; ifModifiedSince?: string | undefined; acceptEncoding?: string | undefined },
): ServedResponse {
  const encoding = entry.compressed ? pickEncoding(request.acceptEncoding) : null;
  const etag = encoding ? `${entry.etag.slice(0, -1)}-${encoding}"` : entry.etag;
  const headers: Record<string, string> = {
    'content-type': entry.type,
    etag,
    'last-modified': entry.lastModified.toUTCString(),
    'cache-control': 'public, max-age=5, stale-while-revalidate=30, stale-if-error=86400',
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
    // The page's own Content-Security-Policy (only /embed may be framed).
    ...securityHeadersOf(entry),
  };
  // Statuspage widgets and aggregators fetch the JSON (and feeds) from other sites' pages.
  if (!entry.type.startsWith('text/html')) headers['access-control-allow-origin'] = '*';
  const bare = (tag: string) =>
    tag
      .trim()
      .replace(/^W\//, '')
      .replace(/-(br|gzip)"$/, '"');
  const notModified = request.ifNoneMatch
    ? request.ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === entry.etag)
    : request.ifModifiedSince !== undefined && Date.parse(request.ifModifiedSince) >= entry.lastModified.getTime();
  if (notModified) return { status: 304, headers, body: null };
  // An identity client (curl, wrk, scripts: no Accept-Encoding) gets the bytes the snapshot keeps decompressed for a while.
  const body = encoding === 'br' ? entry.br : encoding === 'gzip' ? entry.gzip : entry.body;
  if (encoding) headers['content-encoding'] = encoding;
  headers['content-length'] = String(body.length);
  return { status: 200, headers, body: request.method === 'HEAD' ? null : body };
}

/** Looks a request up in the snapshot: the entry to serve, or undefined. */
export function lookup(snapshot: Snapshot, pathname: string): SnapshotEntry | undefined {
  return snapshot.get(snapshotPath(pathname));
}
