/**
 * The baseline for the load bar: a bare `node:http` server answering every request with one
 * recorded response (Herald's `/`, same bytes, same headers). Whatever Herald does beyond
 * this is its own overhead.
 *
 * Usage: node bench/bare-server.ts RESPONSE.json   (prints `Listening at http://127.0.0.1:PORT`)
 * where RESPONSE.json is `{ "status": 200, "headers": { … }, "body": "<base64>" }`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const file = process.argv[2];
if (!file) {
  console.error('[Bench] Name the recorded response: node bench/bare-server.ts RESPONSE.json');
  process.exit(1);
}
const recorded = JSON.parse(readFileSync(file, 'utf8')) as { status: number; headers: Record<string, string>; body: string };
const body = Buffer.from(recorded.body, 'base64');
const headers = recorded.headers;

const server = createServer((_req, res) => {
  res.writeHead(recorded.status, headers);
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.info(`[Bench] Listening at http://127.0.0.1:${port}`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
