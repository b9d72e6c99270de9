/**
 * The baseline for the load bar: a bare `node:http` server answering every request with one
 * recorded response (Herald's `/`, same bytes, same headers). Whatever Herald does beyond
 * this is its own overhead.
 *
 * Usage: node bench/bare-server.ts RESPONSE.json   (prints `Listening at http://127.0.0.1:PORT`)
 * where RESPONSE.json is `{ "status": 200, "headers": { … }, "body": "<base64>" }`.
 *
 * BARE_SHAPES=N (a diagnostic; the bench never sets it) first sends streams and emitters of N
 * classes through Node's stream and event code, as any application does (a logger, a mailer,
 * a renderer): Node's shared internals then see many shapes where a bare server shows them one,
 * and its requests cost what they cost in a real process.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';

const file = process.argv[2];
if (!file) {
  console.error('[Bench] Name the recorded response: node bench/bare-server.ts RESPONSE.json');
  process.exit(1);
}
const recorded = JSON.parse(readFileSync(file, 'utf8')) as { status: number; headers: Record<string, string>; body: string };
const body = Buffer.from(recorded.body, 'base64');
const headers = recorded.headers;

const shapes = Number(process.env.BARE_SHAPES ?? 0);
const kept: unknown[] = [];
for (let k = 0; k < shapes; k++) {
  const Stream = class extends PassThrough {
    constructor() {
      super();
      Object.defineProperty(this, `field${k}`, { value: k, enumerable: true });
    }
  };
  const Emitter = class extends EventEmitter {
    constructor() {
      super();
      Object.defineProperty(this, `field${k}`, { value: k, enumerable: true });
    }
  };
  for (let i = 0; i < 200; i++) {
    const stream = new Stream();
    stream.on('data', () => {});
    stream.end(Buffer.from('x'));
    kept.push(stream);
    const emitter = new Emitter();
    emitter.on('x', () => {});
    emitter.emit('x', i);
  }
}

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
