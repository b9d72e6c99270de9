import { createServer, type IncomingMessage } from 'node:http';

export type Received = { path: string; headers: IncomingMessage['headers']; body: string; json: any };

/**
 * A real HTTP receiver on 127.0.0.1 (a webhook, Slack, Teams or Discord endpoint in tests): it
 * keeps every request, its body parsed when it is JSON, and answers with the next status of
 * `statuses` (then `status()`, 200 unless told); a request to /redirect is sent on to `redirectTo`.
 */
export async function startReceiver(options: { statuses?: number[]; status?: () => number; redirectTo?: string } = {}) {
  const statuses = [...(options.statuses ?? [])];
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {}
      received.push({ path: req.url ?? '', headers: req.headers, body, json });
      if (options.redirectTo && req.url === '/redirect') return res.writeHead(307, { location: options.redirectTo }).end();
      res.writeHead(statuses.shift() ?? options.status?.() ?? 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
