/**
 * A diagnostic, not a bar: the bare twin's handler run *inside* Herald's process, to tell
 * what Herald's read path costs from what its process costs Node (a larger heap to collect,
 * Node's internals shared with the app). Loaded with `--import` beside the server, it answers
 * every request on its own loopback port with one recorded response, as bench/bare-server.ts does.
 *
 * Usage (RESPONSE.json as startBareTwin writes it; TWIN_PORT defaults to 4521):
 *   TWIN_RESPONSE=RESPONSE.json node --import ./bench/in-process-twin.ts build/api/server.js
 * then load Herald's port and the twin's port in turn (wrk) and compare CPU per request.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const file = process.env.TWIN_RESPONSE;
if (!file) throw new Error('[Twin] Set TWIN_RESPONSE to a recorded response (see bench/bare-server.ts).');
const recorded = JSON.parse(readFileSync(file, 'utf8')) as { status: number; headers: Record<string, string>; body: string };
const body = Buffer.from(recorded.body, 'base64');
const port = Number(process.env.TWIN_PORT ?? 4521);

const twin = createServer((_req, res) => {
  res.writeHead(recorded.status, recorded.headers);
  res.end(body);
});
twin.listen(port, '127.0.0.1', () => console.info(`[Twin] Listening at http://127.0.0.1:${port}`));
// Never holds the server's exit open.
twin.unref();
