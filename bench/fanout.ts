/**
 * Fan-out benchmark: N confirmed subscribers (20,000 by default) of one P0 update, sent to one
 * local SMTP relay (smtp-server on loopback), today's build beside an earlier release's, rounds
 * alternating so both share the same machine and the same moment. Measures how long the POST
 * takes to queue (its transaction writes one outbox row per recipient), the delivery rate, the
 * server's CPU per message (the figure a shared, busy machine disturbs least), and the admin
 * API's p99 idle and during the fan-out.
 *
 * Then today's build alone (the reference has no subscriber channels) posts one P0 update to
 * FANOUT_HOOKS webhook-channel subscribers (5,000), each target a path of one node:http
 * receiver on loopback (WEBHOOK_ALLOW_LOCAL=1, which loopback targets need), twice: a receiver
 * that answers at once, and one that takes 100 ms per post, to show whether Herald or the
 * receiver bounds the rate.
 *
 * Run: `npm run bench:fanout`. Environment: FANOUT_SUBSCRIBERS (20000), FANOUT_ROUNDS (3),
 * FANOUT_REFERENCE (76694cc, the commit that added this bench; `none` to skip it) — checked out
 * with `git archive`, installed and built once under bench/.cache/, FANOUT_NODE_ARGS (e.g.
 * `--cpu-prof`) for today's server. Writes bench/results/fanout.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { createClient } from '@libsql/client';
import { SMTPServer } from 'smtp-server';
import { ROOT, startServer } from '../tests/support/server.ts';
import { median, round } from './stats.ts';

const N = Number(process.env.FANOUT_SUBSCRIBERS ?? 20_000);
const ROUNDS = Number(process.env.FANOUT_ROUNDS ?? 3);
const REFERENCE = process.env.FANOUT_REFERENCE ?? '76694cc';
const TOKEN = 'fanout-bench-admin-token-0123456789abcdef';
const CACHE = join(import.meta.dirname, '.cache');
const HOOKS = Number(process.env.FANOUT_HOOKS ?? 5_000);
/** How long the slow receiver takes to answer each post. */
const SLOW_RECEIVER_MS = 100;

type Run = {
  queuedSeconds: number;
  delivered: number;
  deliverySeconds: number;
  messagesPerSecond: number;
  /** The server's CPU (user + system) per delivered message, from /proc. */
  serverCpuMsPerMessage: number;
  /** The relay's (this process's) CPU per message: the sink shares the machine. */
  sinkCpuMsPerMessage: number;
  adminApiMs: { idle: { p50: number; p99: number }; duringFanOut: { p50: number; p99: number } };
  loadAverage: number;
};

/** A process's CPU seconds so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/** The reference release, checked out, installed and built once under bench/.cache/fanout-<commit>. */
function prepareReference(ref: string): { commit: string; root: string } {
  const commit = git('rev-parse', `${ref}^{commit}`);
  const root = join(CACHE, `fanout-${commit.slice(0, 12)}`);
  if (!existsSync(join(root, '.prepared'))) {
    console.info(`[bench] Preparing ${ref} (${commit.slice(0, 12)}) in ${root}: git archive, npm ci, npm run build (once).`);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C '${root}'`], { cwd: ROOT, stdio: 'inherit' });
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(join(root, '.prepared'), `${commit}\n`);
  }
  return { commit, root };
}

/** `count` confirmed subscribers straight into the database of the server running in `dir`, 500 a statement. */
async function insertSubscribers(dir: string, count: number, values: string, columns: string, args: (k: number, now: string) => string[]) {
  const db = createClient({ url: `file:${join(dir, 'herald.db')}` });
  const now = new Date().toISOString();
  const tx = await db.transaction('write');
  for (let i = 0; i < count; i += 500) {
    const rows = Array.from({ length: Math.min(500, count - i) }, (_, j) => i + j);
    await tx.execute({ sql: `INSERT INTO subscribers (${columns}) VALUES ${rows.map(() => values).join(',')}`, args: rows.flatMap((k) => args(k, now)) });
  }
  await tx.commit();
  db.close();
}

/** One fan-out against the build in `root`: a fresh database, N subscribers, one P0 incident. */
async function fanOut(root: string, nodeArgs: string[]): Promise<Run> {
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
  // The server creates its own schema (today's or the reference's); the subscribers go in after.
  const server = await startServer(
    { SMTP_URL: smtpUrl, HERALD_ADMIN_TOKEN: TOKEN, PUBLIC_URL: 'https://status.example.test', HERALD_SECRET: 'bench-secret-0123456789abcdef0123456789' },
    dir,
    { waitFor: 'ready', nodeArgs, root },
  );
  try {
    await insertSubscribers(
      dir,
      N,
      "(?, 'confirmed', ?, 'import', ?, ?, ?)",
      'email, state, manage_nonce, source, created_at, updated_at, confirmed_at',
      (k, now) => [`sub${k}@bench.example.com`, `nonce${k}`, now, now, now],
    );

    const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
      fetch(`${server.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    /** p50/p99 of `count` sequential admin GETs (the incident list), in ms. */
    const adminLatency = async (count: number) => {
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const start = performance.now();
        await (await admin('/api/admin/incidents?state=all&limit=10')).arrayBuffer();
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => round(times[Math.min(times.length - 1, Math.floor(q * times.length))] as number, 1);
      return { p50: at(0.5), p99: at(0.99) };
    };

    const idle = await adminLatency(200);
    const pid = server.process.pid as number;
    const serverCpu = cpuSeconds(pid);
    const sinkCpu = process.cpuUsage();
    const postStart = performance.now();
    const created = await admin('/api/admin/incidents', {
      method: 'POST',
      body: {
        title: 'Everything is down',
        severity: 'P0',
        message: 'We are investigating a full outage.',
        services: [{ slug: 'api', status: 'major_outage' }],
      },
    });
    const queuedMs = performance.now() - postStart;
    if (created.status !== 201) throw new Error(`POST answered ${created.status}: ${await created.text()}`);
    const during = await adminLatency(200);
    const deadline = Date.now() + 30 * 60_000;
    while (received < N && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const sendS = (performance.now() - postStart - queuedMs) / 1000;
    const usedServer = cpuSeconds(pid) - serverCpu;
    const usedSink = process.cpuUsage(sinkCpu);
    return {
      queuedSeconds: round(queuedMs / 1000, 3),
      delivered: received,
      deliverySeconds: round(sendS, 1),
      messagesPerSecond: Math.round(received / sendS),
      serverCpuMsPerMessage: round((usedServer * 1000) / Math.max(1, received), 3),
      sinkCpuMsPerMessage: round((usedSink.user + usedSink.system) / 1000 / Math.max(1, received), 3),
      adminApiMs: { idle, duringFanOut: during },
      loadAverage: round(loadavg()[0] as number, 1),
    };
  } finally {
    await server.stop();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

type HookRun = {
  receiverMs: number;
  delivered: number;
  deliverySeconds: number;
  postsPerSecond: number;
  serverCpuMsPerPost: number;
  largestInFlight: number;
  loadAverage: number;
};

/** One fan-out of a P0 update to HOOKS webhook-channel subscribers, all on one receiver that answers after `receiverMs`. */
async function hookFanOut(receiverMs: number): Promise<HookRun> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-fanout-hooks-'));
  let received = 0;
  let inFlight = 0;
  let largestInFlight = 0;
  const receiver = createServer((req, res) => {
    inFlight++;
    largestInFlight = Math.max(largestInFlight, inFlight);
    req.resume();
    req.on('end', () => {
      const answer = () => {
        inFlight--;
        if (req.headers['x-herald-signature']) received++;
        res.writeHead(204).end();
      };
      if (receiverMs > 0) setTimeout(answer, receiverMs);
      else answer();
    });
  });
  receiver.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as { port: number }).port;
  const server = await startServer(
    {
      HERALD_ADMIN_TOKEN: TOKEN,
      PUBLIC_URL: 'https://status.example.test',
      HERALD_SECRET: 'bench-secret-0123456789abcdef0123456789',
      WEBHOOK_ALLOW_LOCAL: '1',
    },
    dir,
    { waitFor: 'ready', nodeArgs: todayArgs },
  );
  try {
    await insertSubscribers(
      dir,
      HOOKS,
      "('webhook', ?, ?, 'bench-hook-secret', 'confirmed', ?, 'form', ?, ?, ?)",
      'channel, email, target, hook_secret, state, manage_nonce, source, created_at, updated_at, confirmed_at',
      (k, now) => [`hook${k}@bench.example.com`, `http://127.0.0.1:${port}/hook/${k}`, `nonce${k}`, now, now, now],
    );
    const pid = server.process.pid as number;
    const serverCpu = cpuSeconds(pid);
    const started = performance.now();
    const created = await fetch(`${server.url}/api/admin/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Everything is down',
        severity: 'P0',
        message: 'We are investigating a full outage.',
        services: [{ slug: 'api', status: 'major_outage' }],
      }),
    });
    if (created.status !== 201) throw new Error(`POST answered ${created.status}: ${await created.text()}`);
    const deadline = Date.now() + 10 * 60_000;
    while (received < HOOKS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const seconds = (performance.now() - started) / 1000;
    return {
      receiverMs,
      delivered: received,
      deliverySeconds: round(seconds, 1),
      postsPerSecond: Math.round(received / seconds),
      serverCpuMsPerPost: round(((cpuSeconds(pid) - serverCpu) * 1000) / Math.max(1, received), 3),
      largestInFlight,
      loadAverage: round(loadavg()[0] as number, 1),
    };
  } finally {
    await server.stop();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

const todayCommit = git('rev-parse', 'HEAD');
const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'api') !== '';
const reference = REFERENCE === 'none' ? null : prepareReference(REFERENCE);
const todayArgs = (process.env.FANOUT_NODE_ARGS ?? '').split(' ').filter(Boolean);
const runs = { today: [] as Run[], reference: [] as Run[] };
const loadBefore = round(loadavg()[0] as number, 1);
for (let round_ = 0; round_ < ROUNDS; round_++) {
  // Alternating which goes first, so neither always meets the other's leftovers.
  const order: ('today' | 'reference')[] = reference ? (round_ % 2 ? ['reference', 'today'] : ['today', 'reference']) : ['today'];
  for (const which of order) {
    const run = which === 'today' ? await fanOut(ROOT, todayArgs) : await fanOut((reference as { root: string }).root, []);
    runs[which].push(run);
    console.info(
      `[bench] round ${round_ + 1} ${which.padEnd(9)}: ${run.delivered}/${N} in ${run.deliverySeconds} s = ${run.messagesPerSecond} messages/s; queued in ${run.queuedSeconds} s; server CPU ${run.serverCpuMsPerMessage} ms/message (relay ${run.sinkCpuMsPerMessage}); admin p99 ${run.adminApiMs.idle.p99} → ${run.adminApiMs.duringFanOut.p99} ms; load ${run.loadAverage}`,
    );
  }
}

const hooks: HookRun[] = [];
if (HOOKS > 0)
  for (const receiverMs of [0, SLOW_RECEIVER_MS]) {
    const run = await hookFanOut(receiverMs);
    hooks.push(run);
    console.info(
      `[bench] webhook channel, receiver answering in ${receiverMs} ms: ${run.delivered}/${HOOKS} in ${run.deliverySeconds} s (from the POST) = ${run.postsPerSecond} posts/s; server CPU ${run.serverCpuMsPerPost} ms/post; at most ${run.largestInFlight} posts in flight at the receiver; load ${run.loadAverage}`,
    );
  }

const summary = (list: Run[]) =>
  list.length === 0
    ? null
    : {
        messagesPerSecond: Math.round(median(list.map((r) => r.messagesPerSecond))),
        queuedSeconds: round(median(list.map((r) => r.queuedSeconds)), 3),
        serverCpuMsPerMessage: round(median(list.map((r) => r.serverCpuMsPerMessage)), 3),
        /** What one core of this machine would deliver if the server had it to itself. */
        messagesPerCpuSecond: Math.round(1000 / median(list.map((r) => r.serverCpuMsPerMessage))),
        adminApiP99Ms: { idle: median(list.map((r) => r.adminApiMs.idle.p99)), duringFanOut: median(list.map((r) => r.adminApiMs.duringFanOut.p99)) },
        allDelivered: list.every((r) => r.delivered === N),
      };
const today = summary(runs.today);
const before = summary(runs.reference);
console.info(`\n[bench] medians of ${ROUNDS} round(s), ${N} subscribers, ${cpus().length} cores, load average ${loadBefore} at the start:`);
for (const [name, s] of [
  [`today (${todayCommit.slice(0, 7)}${dirty ? '+changes' : ''})`, today],
  [`reference (${REFERENCE})`, before],
] as const) {
  if (s)
    console.info(
      `  ${name.padEnd(24)} ${s.messagesPerSecond} messages/s, queued in ${s.queuedSeconds} s, server CPU ${s.serverCpuMsPerMessage} ms/message (${s.messagesPerCpuSecond} messages per CPU second)`,
    );
}
const figures = {
  at: new Date().toISOString(),
  command: 'npm run bench:fanout',
  subscribers: N,
  rounds: ROUNDS,
  machine: { cores: cpus().length, loadAverageAtStart: loadBefore },
  today: { commit: todayCommit, uncommittedChanges: dirty, ...today, runs: runs.today },
  reference: reference ? { ref: REFERENCE, commit: reference.commit, ...before, runs: runs.reference } : null,
  webhookChannel: { subscribers: HOOKS, runs: hooks },
  bars: {
    atLeast2000PerSecond: (today?.messagesPerSecond ?? 0) >= 2000,
    queuedUnder5s: (today?.queuedSeconds ?? Infinity) < 5,
    fasterThanReference: before ? (today?.messagesPerSecond ?? 0) >= before.messagesPerSecond : null,
  },
};
writeFileSync(join(import.meta.dirname, 'results', 'fanout.json'), `${JSON.stringify(figures, null, 2)}\n`);
console.info('[bench] Wrote bench/results/fanout.json.');
