import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Snapshot, SnapshotEntry } from './snapshot.ts';
import { pickEncoding, respondWith, snapshotPath, type ServedResponse } from './serve.ts';

/** Accept-Encoding values seen lately and what they choose; browsers send a handful of spellings. */
const encodings = new Map<string, ReturnType<typeof pickEncoding>>();
/** Answers already worked out, per entry: the headers of a 200 or 304 never change for one entry and encoding. */
const answers = new WeakMap<SnapshotEntry, Map<string, ServedResponse>>();
/**
 * Each answer's headers as node:http's flat list, ending with the request id's slot: `writeHead`
 * turns the list into the response head before it returns, so one list per answer is reused,
 * its last value set for each request, rather than a copy made per request.
 */
const headerLists = new WeakMap<ServedResponse, string[]>();

/**
 * The read path at wire speed: a GET or HEAD for a published file is answered here, on the raw
 * node:http request, before any routing — a lookup and a write. The answer is exactly
 * `respondWith`'s (headers, validators, 304s, encoding), worked out once per entry and kept,
 * with the request's id.
 * @returns the body's size in bytes once answered, or false when the request is not for a
 *   published file (the app answers it).
 */
export function serveFromSnapshot(snapshot: Snapshot, req: IncomingMessage, res: ServerResponse, requestId: string): number | false {
  const method = req.method;
  if (method !== 'GET' && method !== 'HEAD') return false;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  // Anything that needs decoding or normalising goes the long way, through the router.
  if (pathname.includes('%') || pathname.includes('/.') || pathname.includes('//') || pathname[0] !== '/') return false;
  const entry = snapshot.get(snapshotPath(pathname));
  if (!entry) return false;
  // Read from the raw header list: `req.headers` would build an object of every header first.
  let acceptEncoding: string | undefined;
  let ifNoneMatch: string | undefined;
  let ifModifiedSince: string | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    // Repeated headers are joined as node:http joins them (RFC 9110 §5.3).
    if (name.length === 15 && name.toLowerCase() === 'accept-encoding') acceptEncoding = acceptEncoding === undefined ? value : `${acceptEncoding}, ${value}`;
    else if (name.length === 13 && name.toLowerCase() === 'if-none-match') ifNoneMatch = ifNoneMatch === undefined ? value : `${ifNoneMatch}, ${value}`;
    else if (name.length === 17 && name.toLowerCase() === 'if-modified-since') ifModifiedSince ??= value;
  }
  const served = answer(entry, method, acceptEncoding, ifNoneMatch, ifModifiedSince);
  let list = headerLists.get(served);
  if (!list) headerLists.set(served, (list = [...Object.entries(served.headers).flatMap(([name, value]) => [name, oneByte(value)]), 'x-request-id', '']));
  list[list.length - 1] = requestId;
  // A kept identity answer holds no body: the bytes are the snapshot's to keep, within its memory budget.
  const body = served.body ?? (served.status === 200 && method === 'GET' ? entry.body : null);
  res.writeHead(served.status, list);
  res.end(body ?? undefined);
  return body?.byteLength ?? 0;
}

/**
 * The same text as a one-byte string. A header value cut from a page (the policy is read from
 * the page's head, and a page with “quotes” is held as two-byte text) stays two-byte, and
 * node:http then checks and joins the whole response head as two-byte text on every request:
 * a sixth of the read path's time, gone with a copy made once. Header values are Latin-1 by
 * definition (node:http refuses anything above U+00FF), so the copy changes no character.
 */
const oneByte = (value: string) => Buffer.from(value, 'latin1').toString('latin1');

function answer(
  entry: SnapshotEntry,
  method: string,
  acceptEncoding: string | undefined,
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
): ServedResponse {
  // Conditional requests depend on the client's validators: worked out each time.
  if (ifNoneMatch !== undefined || ifModifiedSince !== undefined) return respondWith(entry, { method, acceptEncoding, ifNoneMatch, ifModifiedSince });
  let encoding = encodings.get(acceptEncoding ?? '');
  if (encoding === undefined) {
    encoding = pickEncoding(acceptEncoding);
    if (encodings.size > 100) encodings.clear();
    encodings.set(acceptEncoding ?? '', encoding);
  }
  const key = `${method} ${encoding}`;
  let byKey = answers.get(entry);
  if (!byKey) answers.set(entry, (byKey = new Map()));
  let served = byKey.get(key);
  if (!served) {
    served = respondWith(entry, { method, acceptEncoding: encoding ?? undefined });
    // Identity bytes are not kept here, where they would live as long as the entry: the caller asks the entry.
    if (encoding === null && entry.compressed) served = { ...served, body: null };
    byKey.set(key, served);
  }
  return served;
}
