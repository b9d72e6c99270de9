import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIncident } from '../support/factories.ts';
import { removeDir, runCli, type RunningServer, startServer } from '../support/server.ts';
import { eventually, startSmtpSink, startWebhookSink } from '../support/sinks.ts';

const TOKEN = 'desk-e2e-admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'herald-fresh-'));
const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'herald.db')}`, HERALD_DEMO: 'false' };
const cli = (script: string, ...args: string[]) => runCli(env, script, ...args);

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let hook: Awaited<ReturnType<typeof startWebhookSink>>;
let server: RunningServer;

beforeAll(async () => {
  smtp = await startSmtpSink();
  hook = await startWebhookSink();
  const made = cli('user.ts', 'create', 'comms@example.test', '--role', 'comms', '--password', 'a long comms password');
  expect(made.status, made.stderr).toBe(0);
  server = await startServer(
    { HERALD_ADMIN_TOKEN: TOKEN, SMTP_URL: smtp.url, MAIL_FROM: 'Herald <herald@example.test>', FRESHNESS_CHECK_SECONDS: '2', FRESHNESS_WEBHOOK_URL: hook.url },
    dir,
  );
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
  await hook?.close();
  removeDir(dir);
});

describe('the freshness rule on the real server', () => {
  it('an incident promising an update in 1 minute and left alone turns /healthz/freshness red, with one reminder and one escalation', async () => {
    const health = async () => (await fetch(`${server.url}/healthz/freshness`)).status;
    expect(await health()).toBe(200);
    expect(cli('check-freshness.ts').status).toBe(0);

    const posted = Date.now();
    const res = await fetch(`${server.url}/api/admin/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(makeIncident({ commander: 'ic@example.test', nextUpdateInMinutes: 1 })),
    });
    expect(res.status).toBe(201);

    await eventually(async () => (await health()) === 503, '/healthz/freshness to turn red', 90_000, 500);
    expect(Date.now() - posted).toBeLessThan(90_000);
    const body = await (await fetch(`${server.url}/healthz/freshness`)).json();
    expect(body.overdue.map((o: { ref: string }) => o.ref)).toEqual(['INC-1']);

    // The public page says so honestly, without waiting for anyone to post.
    await eventually(
      async () => (await (await fetch(`${server.url}/incidents/INC-1`)).text()).includes('Next update was due at'),
      'the public page to say the update is late',
      10_000,
      250,
    );

    const check = cli('check-freshness.ts');
    expect(check.status).toBe(1);
    expect(check.stdout.trim().split('\n')).toHaveLength(1);
    expect(check.stdout).toMatch(/^OVERDUE: 1 of 1 open incident\(s\): INC-1 \(P1/);

    await eventually(() => smtp.mails.some((m) => m.subject.includes('OVERDUE')), 'the escalation email', 15_000);
    // A few more watchdog passes: nothing more may arrive (the next escalation is 15 minutes away).
    await new Promise((r) => setTimeout(r, 5000));
    const toComms = smtp.mails.filter((m) => m.recipients.includes('comms@example.test')).map((m) => m.subject.replace(/ by .*| was due .*/, ''));
    expect(toComms).toEqual(['[Herald] Reminder: INC-1 needs a public update', '[Herald] OVERDUE: INC-1 update']);
    expect(smtp.mails.filter((m) => m.recipients.includes('ic@example.test')).map((m) => m.subject)).toHaveLength(1);

    // The comms channel's webhook heard the same two, as Slack-style JSON.
    expect(hook.bodies.map((b) => [b.contentType, b.json.herald.kind])).toEqual([
      ['application/json', 'reminder'],
      ['application/json', 'escalation'],
    ]);
    expect(hook.bodies[1].json.text).toContain('OVERDUE: INC-1');

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^herald_incidents_overdue 1$/m);
    expect(metrics).toMatch(/^herald_freshness_watchdog_last_run_timestamp_seconds \d{10}$/m);
  }, 120_000);
});
