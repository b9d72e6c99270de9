/**
 * Reminders, escalations and PagerDuty alerts leave through the one delivery queue and its one
 * guarded poster: a configured endpoint is reached as configured, but where it redirects is
 * checked like any webhook's target — a 307 to a loopback admin URL is refused unless
 * WEBHOOK_ALLOW_LOCAL — and they are counted in the same metrics as every other notice.
 */
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createUser } from '../../../api/features/access/users.ts';
import type { EscalationMatrix } from '../../../api/features/freshness/escalation.ts';
import { createWatchdog } from '../../../api/features/freshness/watchdog.ts';
import { silentLog } from '../../../api/platform/log/log.ts';
import { makeIncident } from '../../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../../support/app.ts';

const MIN = 60_000;
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
/** What the guard says of http://127.0.0.1:…: not https (and, were it https, a loopback address). */
const REFUSED = /^\[Webhooks\] http:\/\/127\.0\.0\.1:\d+ is not https; only https targets are allowed\.$/;

/** A loopback HTTP server keeping what it is sent; with `redirectTo`, it answers every post with a 307 there. */
async function startReceiver(redirectTo?: string) {
  const received: { path: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body });
      if (redirectTo) return res.writeHead(307, { location: redirectTo }).end();
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let t: TestApp;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  t?.db.close();
});

/** The admin endpoint a redirect must not reach, and the configured endpoint that redirects there. */
async function redirectToAdmin() {
  const admin = await startReceiver();
  const hop = await startReceiver(`${admin.url}/admin/users/1/disable`);
  closers.push(admin.close, hop.close);
  return { admin, hop };
}

const watchdogOf = (deliverers: Parameters<typeof createWatchdog>[0]['deliverers'], escalation?: EscalationMatrix) =>
  createWatchdog({
    db: t.db,
    clock: t.clock,
    site: { publicUrl: PUBLIC_URL, updateIntervalMinutes: 30 },
    policy: { repeatMinutes: 15, maxEscalations: 3 },
    deliverers,
    publisher: t.publisher,
    log: silentLog,
    ...(escalation ? { escalation } : {}),
  });

const lastErrors = async (kind: string) =>
  (await t.db.execute({ sql: 'SELECT channel, state, last_error FROM outbox WHERE kind = ? ORDER BY id', args: [kind] })).rows.map((r) => ({ ...r }));

describe('a redirect from a configured endpoint', () => {
  it('is refused for the freshness webhook when it leads to a loopback admin URL', async () => {
    t = await makeTestApp();
    const { admin, hop } = await redirectToAdmin();
    await t.call('POST', '/api/admin/incidents', makeIncident());
    t.clock.advance(25 * MIN);
    const report = await watchdogOf({ mailer: t.mailer, webhookUrl: `${hop.url}/hook` }).tick();
    expect(report.notices).toEqual([{ ref: 'INC-1', kind: 'reminder', seq: 1, recipients: 1 }]);
    expect(report.failed).toBe(1);
    expect(hop.received).toHaveLength(1);
    expect(admin.received).toEqual([]);
    expect(await lastErrors('freshness-reminder')).toEqual([{ channel: 'webhook', state: 'failed', last_error: expect.stringMatching(REFUSED) }]);
  });

  it('is followed when WEBHOOK_ALLOW_LOCAL allows local targets', async () => {
    t = await makeTestApp();
    const { admin, hop } = await redirectToAdmin();
    await t.call('POST', '/api/admin/incidents', makeIncident());
    t.clock.advance(25 * MIN);
    const report = await watchdogOf({ mailer: t.mailer, webhookUrl: `${hop.url}/hook`, allowLocal: true }).tick();
    expect(report.delivered).toBe(1);
    expect(admin.received.map((r) => JSON.parse(r.body).herald.kind)).toEqual(['reminder']);
  });

  it('is refused for an escalation level’s webhook and for PagerDuty', async () => {
    t = await makeTestApp();
    const { admin, hop } = await redirectToAdmin();
    const matrix: EscalationMatrix = {
      levels: [
        { level: 1, name: 'On-call engineer', responseMinutes: 5, emails: [], webhookUrl: null, pagerdutyRoutingKey: null, triggers: [] },
        {
          level: 2,
          name: 'Team lead',
          responseMinutes: 15,
          emails: [],
          webhookUrl: `${hop.url}/level-2`,
          pagerdutyRoutingKey: ROUTING_KEY,
          triggers: [{ afterMinutes: 0 }],
        },
      ],
    };
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1' }));
    const report = await watchdogOf({ mailer: t.mailer, webhookUrl: null, pagerdutyUrl: `${hop.url}/v2/enqueue` }, matrix).tick();
    expect(report.followUp).toMatchObject({ notices: [{ ref: 'INC-1', kind: 'escalation', level: 2, recipients: 2 }], delivered: 0, failed: 2 });
    expect(hop.received.map((r) => r.path).sort()).toEqual(['/level-2', '/v2/enqueue']);
    expect(admin.received).toEqual([]);
    expect(await lastErrors('plan-escalation')).toEqual([
      { channel: 'webhook', state: 'failed', last_error: expect.stringMatching(REFUSED) },
      { channel: 'pagerduty', state: 'failed', last_error: expect.stringMatching(REFUSED) },
    ]);
  });
});

describe('the one queue', () => {
  it('counts reminders in the same delivery metrics as every other notice', async () => {
    const hook = await startReceiver();
    closers.push(hook.close);
    t = await makeTestApp({ env: { FRESHNESS_WEBHOOK_URL: `${hook.url}/hook` } });
    await createUser(t.db, { email: 'comms@example.test', role: 'comms', password: 'correct horse battery' }, t.clock.now());
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P3' }));
    t.clock.advance(25 * MIN);
    expect((await t.herald.watchdog.tick()).delivered).toBe(2);
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toMatch(/^herald_deliveries_total\{channel="mail",outcome="sent"\} 1$/m);
    expect(metrics).toMatch(/^herald_deliveries_total\{channel="webhook",outcome="sent"\} 1$/m);
    expect(hook.received.map((r) => JSON.parse(r.body).herald.kind)).toEqual(['reminder']);
  });

  it('refuses a lane for a kind another lane delivers', async () => {
    t = await makeTestApp();
    expect(() => t.herald.sender.register({ name: 'again', kinds: { incident: { attempt: async () => [] } } })).toThrow(
      '[Outbox] The kind "incident" is delivered by the notices lane already; a kind belongs to one lane.',
    );
  });
});
