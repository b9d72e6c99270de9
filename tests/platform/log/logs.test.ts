import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { makeIncident } from '../../support/factories.ts';
import { removeDir, ROOT, startServer } from '../../support/server.ts';

const SECRETS = {
  adminToken: 'log-test-admin-token-f3a9c1e07b5d',
  linkSecret: 'log-test-link-secret-8e2b6d4f0a1c9e7b5d3f1a2c4e6b8d0f',
  databaseAuthToken: 'log-test-db-auth-token-5c7e9a1b3d',
  smtpPassword: 'log-test-smtp-pass-2d4f6b8a0c',
  metricsToken: 'log-test-metrics-token-9b7d5f3a1e',
  userPassword: 'log-test-user-password-6a8c0e2b4d',
};

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** A real SMTP relay that insists on AUTH, so SMTP_URL carries user:password as in production. */
async function startAuthSmtp() {
  const mails: { to: string; text: string }[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'herald' && auth.password === SECRETS.smtpPassword) return callback(null, { user: 'herald' });
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), text: mail.text ?? '' });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function eventually<T>(check: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const cli = (dir: string, tool: string, args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'api', 'cli', `${tool}.ts`), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'false' },
    encoding: 'utf8',
  });

describe('the log of a whole run (LOG_FORMAT=json)', () => {
  it('never carries a secret, and every line is JSON with a level, a time, a message and a request id or a job', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-logs-'));
    dirs.push(dir);
    expect(cli(dir, 'user', ['create', 'lead@example.test', '--role', 'admin', '--password', SECRETS.userPassword]).status).toBe(0);
    const issued = cli(dir, 'token', ['create', 'log-test']);
    const apiToken = issued.stdout.trim().split('\n').at(-1) as string;
    expect(apiToken.length).toBeGreaterThan(20);
    const smtp = await startAuthSmtp();
    const server = await startServer(
      {
        LOG_FORMAT: 'json',
        HERALD_ADMIN_TOKEN: SECRETS.adminToken,
        HERALD_SECRET: SECRETS.linkSecret,
        DATABASE_AUTH_TOKEN: SECRETS.databaseAuthToken,
        METRICS_TOKEN: SECRETS.metricsToken,
        SMTP_URL: `smtp://herald:${SECRETS.smtpPassword}@127.0.0.1:${smtp.port}`,
      },
      dir,
    );
    const seen: string[] = [apiToken];
    try {
      const u = server.url;
      // Sign in at the desk: the session cookie is a secret too.
      const signIn = await fetch(`${u}/admin/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: u, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'lead@example.test', password: SECRETS.userPassword }),
      });
      expect(signIn.status).toBe(303);
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
      seen.push(cookie.split('=')[1] as string);
      expect((await fetch(`${u}/admin`, { headers: { cookie } })).status).toBe(200);
      // A wrong password is refused and logged as such, without the password.
      await fetch(`${u}/admin/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: u, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'lead@example.test', password: `${SECRETS.userPassword}-wrong` }),
      });
      // Token auth, both kinds; the metrics token.
      const created = await fetch(`${u}/api/admin/incidents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRETS.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(makeIncident()),
      });
      expect(created.status).toBe(201);
      expect((await fetch(`${u}/api/admin/incidents?state=open`, { headers: { authorization: `Bearer ${apiToken}` } })).status).toBe(200);
      expect((await fetch(`${u}/metrics`, { headers: { authorization: `Bearer ${SECRETS.metricsToken}` } })).status).toBe(200);
      // Subscribe, confirm, manage and unsubscribe through the links the mails carry.
      const form = (fields: Record<string, string>) => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams(fields).toString(),
      });
      expect((await fetch(`${u}/subscribe`, form({ email: 'zoe@example.com' }))).status).toBe(200);
      const confirmMail = await eventually(() => smtp.mails.find((m) => m.to === 'zoe@example.com'), 'the confirmation mail');
      const confirm = /http:\S+\/subscribe\/confirm\/(\S+)/.exec(confirmMail.text) as RegExpExecArray;
      seen.push(confirm[1] as string);
      expect((await fetch(confirm[0], { headers: { accept: 'text/html' } })).status).toBe(200);
      expect((await fetch(confirm[0], form({}))).status).toBe(200);
      const update = await fetch(`${u}/api/admin/incidents/${(await created.json()).ref}/updates`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'mitigating', message: 'Failing over.' }),
      });
      expect(update.status).toBe(201);
      const notice = await eventually(() => smtp.mails.find((m) => /\/subscribe\/manage\//.test(m.text)), 'the incident mail');
      const manage = /http:\S+\/subscribe\/manage\/(\S+)/.exec(notice.text) as RegExpExecArray;
      const unsubscribe = /http:\S+\/unsubscribe\/(\S+)/.exec(notice.text) as RegExpExecArray;
      seen.push(manage[1] as string, unsubscribe[1] as string);
      expect((await fetch(manage[0], { headers: { accept: 'text/html' } })).status).toBe(200);
      expect((await fetch(unsubscribe[0], { headers: { accept: 'text/html' } })).status).toBe(200);
      expect((await fetch(unsubscribe[0], form({}))).status).toBe(200);
      expect((await fetch(`${u}/`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
      await smtp.close();
    }

    const output = server.output();
    for (const [name, value] of Object.entries({ ...SECRETS, ...Object.fromEntries(seen.map((v, i) => [`seen${i}`, v])) })) {
      expect(value.length, name).toBeGreaterThan(8);
      expect(output.includes(value), `${name} appears in the log`).toBe(false);
    }

    const lines = output.split('\n').filter(Boolean);
    const entries = lines.map((line) => {
      let entry: Record<string, unknown> | null = null;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        // reported below with the line
      }
      expect(entry, line).not.toBeNull();
      return entry as Record<string, unknown>;
    });
    for (const entry of entries) {
      expect(['info', 'warn', 'error', 'fatal', 'debug'], JSON.stringify(entry)).toContain(entry.level);
      expect(Number.isNaN(Date.parse(String(entry.time))), JSON.stringify(entry)).toBe(false);
      expect(typeof entry.msg === 'string' && entry.msg.length > 0, JSON.stringify(entry)).toBe(true);
      expect(typeof entry.reqId === 'string' || typeof entry.job === 'string', `no reqId or job: ${JSON.stringify(entry)}`).toBe(true);
    }
    // One line per request, with what an operator needs; link tokens replaced.
    const requests = entries.filter((e) => typeof e.status === 'number');
    expect(requests.length).toBeGreaterThanOrEqual(13);
    for (const r of requests) expect(Object.keys(r)).toEqual(expect.arrayContaining(['method', 'path', 'route', 'status', 'ms', 'bytes', 'reqId']));
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(
      expect.arrayContaining([
        'GET /subscribe/confirm/[redacted] 200',
        'POST /subscribe/confirm/[redacted] 200',
        'GET /subscribe/manage/[redacted] 200',
        'POST /unsubscribe/[redacted] 200',
        'POST /api/admin/incidents 201',
      ]),
    );
    // Published files (here `/`) are summed by default, and the sum is written at the latest on stop.
    expect(requests.some((r) => r.path === '/')).toBe(false);
    const summed = entries.find((e) => e.job === 'access' && typeof e.reads === 'number') as
      | { reads: number; statuses: Record<string, number>; busiest: Record<string, number>; bytes: number }
      | undefined;
    expect(summed).toBeDefined();
    expect(summed?.statuses['200']).toBeGreaterThanOrEqual(1);
    expect(summed?.busiest['/']).toBeGreaterThanOrEqual(1);
    expect(summed?.bytes).toBeGreaterThan(1000);
    // Jobs' lines name the job.
    expect(entries.some((e) => e.job === 'server' && String(e.msg).includes('SIGTERM'))).toBe(true);
  });

  it('writes a line per published file answered with LOG_READS=each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-logs-'));
    dirs.push(dir);
    const server = await startServer({ LOG_FORMAT: 'json', HERALD_DEMO: 'true', LOG_READS: 'each' }, dir);
    try {
      const answer = await fetch(`${server.url}/`, { headers: { 'x-request-id': 'reads-each-1' } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-request-id')).toBe('reads-each-1');
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const entries = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = entries.find((e) => e.reqId === 'reads-each-1');
    expect(line).toMatchObject({ method: 'GET', path: '/', route: 'page', status: 200 });
    expect(line?.bytes).toBeGreaterThan(1000);
    expect(entries.some((e) => typeof e.reads === 'number')).toBe(false);
  });

  it('does not put the demo admin’s password in a JSON log, and says how to set one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-logs-'));
    dirs.push(dir);
    const server = await startServer({ LOG_FORMAT: 'json', HERALD_DEMO: 'true' }, dir);
    await server.stop();
    expect(server.output()).toContain('demo admin admin@example.com created; its password is not logged');
    expect(server.output()).toContain('npm run user -- password admin@example.com');
    expect(server.output()).not.toMatch(/with password/);
  });
});
