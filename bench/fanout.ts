/**
 * Fan-out benchmark: N confirmed subscribers (100,000 by default) of one P0 update.
 * Measures how long the update takes to queue (the POST, whose transaction writes one outbox
 * row per recipient), the delivery rate to a local SMTP sink (smtp-server), and the admin
 * API's p99 latency idle and during the fan-out. Run: `npm run build && npm run bench:fanout`
 * (FANOUT_SUBSCRIBERS=… to scale).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { openDb } from '../api/platform/db/client.ts';
import { migrate } from '../api/platform/db/migrate.ts';
import { startServer } from '../tests/support/server.ts';

const N = Number(process.env.FANOUT_SUBSCRIBERS ?? 100_000);
const TOKEN = 'fanout-bench-admin-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'herald-fanout-'));

let received = 0;
const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      received++;
      callback();
    });
  },
});
sink.on('error', () => {});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const smtpUrl = `smtp://127.0.0.1:${(sink.server.address() as { port: number }).port}`;

// Seed the subscribers straight into the database file the server will open.
const db = await openDb({ url: `file:${join(dir, 'herald.db')}` });
await migrate(db);
const seedStart = performance.now();
await db.write(async (tx) => {
  const now = new Date().toISOString();
  for (let i = 0; i < N; i += 500) {
    const rows = Array.from({ length: Math.min(500, N - i) }, (_, j) => i + j);
    await tx.execute({
      sql: `INSERT INTO subscribers (email, state, manage_nonce, source, created_at, updated_at, confirmed_at) VALUES ${rows.map(() => "(?, 'confirmed', ?, 'import', ?, ?, ?)").join(',')}`,
      args: rows.flatMap((k) => [`sub${k}@bench.example.com`, `nonce${k}`, now, now, now]),
    });
  }
});
db.close();
console.info(`[bench] seeded ${N} confirmed subscribers in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

const server = await startServer(
  { SMTP_URL: smtpUrl, HERALD_ADMIN_TOKEN: TOKEN, PUBLIC_URL: 'https://status.example.test', HERALD_SECRET: 'bench-secret-0123456789abcdef0123456789' },
  dir,
);
const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

/** p50/p99 of `count` sequential admin GETs (the incident list), in ms. */
async function adminLatency(count: number) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await (await admin('/api/admin/incidents?state=all&limit=10')).arrayBuffer();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  return { p50: at(0.5), p99: at(0.99) };
}

try {
  const idle = await adminLatency(300);
  const postStart = performance.now();
  const created = await admin('/api/admin/incidents', {
    method: 'POST',
    body: { title: 'Everything is down', severity: 'P0', message: 'We are investigating a full outage.', services: [{ slug: 'api', status: 'major_outage' }] },
  });
  const queuedMs = performance.now() - postStart;
  if (created.status !== 201) throw new Error(`POST answered ${created.status}: ${await created.text()}`);
  const ref = (await created.json()).ref as string;
  const sendStart = performance.now();
  const during = await adminLatency(300);
  const deadline = Date.now() + 30 * 60_000;
  while (received < N && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  const sendS = (performance.now() - sendStart) / 1000;
  const deliveries = await (await admin(`/api/admin/incidents/${ref}/deliveries`)).json();
  console.info(`[bench] ${N} mails queued by the POST in ${(queuedMs / 1000).toFixed(2)} s (bar: < 5 s)`);
  console.info(`[bench] ${received} delivered in ${sendS.toFixed(1)} s = ${Math.round(received / sendS)} messages/s (bar: ≥ 1000/s)`);
  console.info(
    `[bench] admin API p50/p99 idle ${idle.p50.toFixed(1)}/${idle.p99.toFixed(1)} ms; during fan-out ${during.p50.toFixed(1)}/${during.p99.toFixed(1)} ms (bar: p99 within 2× of idle)`,
  );
  console.info(`[bench] deliveries: ${JSON.stringify(deliveries.updates)}`);
  const figures = {
    at: new Date().toISOString(),
    command: 'npm run bench:fanout',
    subscribers: N,
    queuedSeconds: Number((queuedMs / 1000).toFixed(3)),
    delivered: received,
    deliverySeconds: Number(sendS.toFixed(1)),
    messagesPerSecond: Math.round(received / sendS),
    adminApiMs: { idle, duringFanOut: during },
    bars: {
      queuedUnder5s: queuedMs < 5000,
      atLeast1000PerSecond: received / sendS >= 1000,
      p99Within2xOfIdle: during.p99 <= 2 * idle.p99,
    },
  };
  writeFileSync(join(import.meta.dirname, 'results', 'fanout.json'), `${JSON.stringify(figures, null, 2)}\n`);
  console.info('[bench] Wrote bench/results/fanout.json.');
} finally {
  await server.stop();
  sink.close();
  rmSync(dir, { recursive: true, force: true });
}
