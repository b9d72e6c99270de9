/**
 * Every request, whichever path answers it (the Hono app or a raw read path in front of it),
 * gets a request id, a latency sample and its place in the access log: a line each for what
 * the app answers; published files go to `reads`, which sums them (api/platform/log/reads.ts) or
 * writes a line each. It wraps the node:http listener itself, so nothing that answers can
 * slip past it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Log } from '../log/log.ts';
import type { AccessEntry } from '../log/logger.ts';
import { requestContext } from '../log/context.ts';
import { scrubPath } from '../log/scrub.ts';

/** What Hono's requestId middleware accepts from a client; anything else gets a fresh id. */
const CLIENT_ID = /^[\w\-=]{1,255}$/;
const ADMIN_RESOURCES = new Set(['incidents', 'services', 'maintenance', 'subscribers', 'webhooks']);

export type RequestSample = { method: string; route: string; status: number; seconds: number };

/**
 * The route group of a path, for metric labels: few values whatever the traffic, never a
 * reference or a token.
 * @example routeGroup('/incidents/INC-42') // 'page'
 * @example routeGroup('/api/admin/incidents/INC-4/updates') // 'admin-api:incidents'
 */
export function routeGroup(path: string): string {
  const p = path.toLowerCase().replace(/\/{2,}/g, '/');
  if (p === '/metrics') return 'metrics';
  if (/^\/healthz(\/|$)/.test(p)) return 'health';
  const admin = /^\/api\/admin\/([a-z-]+)/.exec(p);
  if (admin) return ADMIN_RESOURCES.has(admin[1] ?? '') ? `admin-api:${admin[1]}` : 'admin-api';
  if (p.startsWith('/api/v2/')) return 'statuspage-api';
  if (p === '/api/openapi.json') return 'openapi';
  if (p.startsWith('/api/')) return 'api-other';
  if (/^\/admin(\/|$)/.test(p)) return 'desk';
  if (/^\/(subscribe|unsubscribe)(\/|$)/.test(p)) return 'subscribe';
  if (p.endsWith('.xml')) return 'feed';
  if (/\.[a-z0-9]+$/.test(p)) return 'asset';
  return 'page';
}

/**
 * The client's X-Request-Id, read from the raw header list: `req.headers` would build an object
 * of every header on each request, which the read path never needs. A repeated header is not
 * an id (node:http would join the values with a comma, which the id pattern refuses).
 */
function clientRequestId(raw: string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 12 && name.toLowerCase() === 'x-request-id') {
      if (found !== undefined) return undefined;
      found = raw[i + 1];
    }
  }
  return found;
}

/**
 * Answers a request at once, before any routing, or says it cannot (false): the snapshot's
 * read path. Its answer is written in full (head and body) before it returns.
 * @returns the body's size in bytes, or false to pass the request on
 */
export type EarlyAnswer = (req: IncomingMessage, res: ServerResponse, requestId: string) => number | false;

/**
 * Wraps the whole node:http listener: `early` answers published files, `listener` (the app)
 * the rest. Both get the request id, the access-log line and the latency sample; a file
 * answered early is recorded as soon as its answer is written, with the byte count it gives,
 * which costs a fraction of following a streamed answer to its end.
 */
export function observeRequests(
  deps: {
    log: Log;
    observe: (sample: RequestSample) => void /** Where a published file's answer is logged (a sum, or a line each); `log.info` without it. */;
    reads?: (entry: AccessEntry) => void;
  },
  early: EarlyAnswer,
  listener: RequestListener,
): RequestListener {
  // Early answers are mostly a bounded set of published paths: their scrubbed path and route group
  // are kept, but not a long URL (a query string can be kilobytes, and 10,000 of them megabytes).
  const known = new Map<string, { path: string; route: string }>();
  const describe = (url: string, early: boolean) => {
    const keep = early && url.length <= 256;
    let described = keep ? known.get(url) : undefined;
    if (!described) {
      const path = scrubPath(url);
      described = { path, route: routeGroup(path) };
      if (keep) {
        if (known.size >= 10_000) known.clear();
        known.set(url, described);
      }
    }
    return described;
  };
  const record = (reqId: string, method: string, url: string, status: number, started: bigint, bytes: number, aborted: boolean, early: boolean) => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { path, route } = describe(url, early);
    deps.observe({ method, route, status, seconds });
    const ms = Math.round(seconds * 100_000) / 100;
    if (early && deps.reads) return deps.reads({ reqId, method, path, route, status, ms, bytes });
    deps.log.info(`${method} ${path} ${status} ${ms} ms${aborted ? ' (client went away)' : ''}`, {
      reqId,
      method,
      path,
      route,
      status,
      ms,
      bytes,
      ...(aborted ? { aborted } : {}),
    });
  };
  return (req, res) => {
    const started = process.hrtime.bigint();
    const given = clientRequestId(req.rawHeaders);
    const reqId = given !== undefined && CLIENT_ID.test(given) ? given : randomUUID();
    const answered = early(req, res, reqId);
    if (answered !== false) return record(reqId, req.method ?? 'GET', req.url ?? '/', res.statusCode, started, answered, false, true);
    res.setHeader('x-request-id', reqId);
    // The app's requestId middleware reads it from here, so both paths log the same id.
    req.headers['x-request-id'] = reqId;
    let bytes = 0;
    const count = (chunk: unknown, encoding: unknown) => {
      if (typeof chunk === 'string') bytes += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    res.write = ((...args: unknown[]) => (count(args[0], args[1]), write(...args))) as typeof res.write;
    res.end = ((...args: unknown[]) => (typeof args[0] !== 'function' && count(args[0], args[1]), end(...args))) as typeof res.end;
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      record(reqId, req.method ?? 'GET', req.url ?? '/', res.statusCode, started, bytes, !res.writableFinished, false);
    };
    res.once('finish', done);
    res.once('close', done);
    requestContext.run({ reqId }, () => listener(req, res));
  };
}
