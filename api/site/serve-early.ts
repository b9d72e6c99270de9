import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Snapshot } from './snapshot.ts';
import { lookup, PUBLIC_REFERRER_POLICY, respondWith } from './serve.ts';

/**
 * What the server answers while the database is not ready yet (starting, or unreachable at
 * start): published files from the snapshot on disk, and 503 with a Retry-After for the rest.
 * Readers get the last published page either way.
 */
export function serveSnapshotOnly(snapshot: Snapshot, reason: () => string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://herald.invalid').pathname;
    const entry = method === 'GET' || method === 'HEAD' ? lookup(snapshot, path) : undefined;
    if (entry) {
      const served = respondWith(entry, {
        method,
        ifNoneMatch: req.headers['if-none-match'],
        ifModifiedSince: req.headers['if-modified-since'],
        acceptEncoding: req.headers['accept-encoding'],
      });
      res.writeHead(served.status, served.headers);
      res.end(served.body ?? undefined);
      return;
    }
    const body = JSON.stringify({
      error: { code: 'starting', message: `[Herald] ${reason()} Published pages are served meanwhile; try again shortly.`, requestId: 'none' },
    });
    res.writeHead(503, {
      'content-type': 'application/json; charset=utf-8',
      'retry-after': '5',
      'cache-control': 'no-store',
      'referrer-policy': PUBLIC_REFERRER_POLICY,
    });
    res.end(body);
  };
}
