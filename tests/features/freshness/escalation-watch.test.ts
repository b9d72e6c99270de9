import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listPlanNotices } from '../../../api/features/plan/notices-store.ts';
import type { EscalationMatrix } from '../../../api/features/freshness/escalation.ts';
import { readContent } from '../../../api/platform/content.ts';
import { EscalationMatrix as Matrix } from '../../../api/features/freshness/escalation.ts';
import { createWatchdog } from '../../../api/features/freshness/watchdog.ts';
import { createMailer, type Mailer } from '../../../api/platform/delivery/mailer.ts';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { CONTENT_DIR, makeTestApp, PUBLIC_URL, type TestApp } from '../../support/app.ts';
import { startSmtpSink, startWebhookSink } from '../../support/sinks.ts';

const MIN = 60_000;
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let hook: Awaited<ReturnType<typeof startWebhookSink>>;
let pagerduty: Awaited<ReturnType<typeof startWebhookSink>>;
let mailer: Mailer;
let t: TestApp;
let matrix: EscalationMatrix;

beforeAll(async () => {
  smtp = await startSmtpSink();
  hook = await startWebhookSink();
  pagerduty = await startWebhookSink(202);
  mailer = createMailer({ smtpUrl: smtp.url, from: 'Herald <herald@status.example.test>', outboxDir: '/nonexistent' });
});
afterAll(async () => {
  mailer.close();
  await smtp.close();
  await hook.close();
  await pagerduty.close();
});
beforeEach(async () => {
  smtp.mails.length = 0;
  hook.bodies.length = 0;
  pagerduty.bodies.length = 0;
  t = await makeTestApp({ start: '2026-03-10T12:00:00.000Z' });
  // The shipped matrix (the plan's triggers), with people filled in as an operator would.
  const shipped = readContent(CONTENT_DIR, 'escalation.json', Matrix);
  matrix = {
    levels: shipped.levels.map((l) => ({
      ...l,
      emails: l.level === 1 ? [] : [`level${l.level}@example.test`],
      webhookUrl: l.level === 3 ? hook.url : null,
      pagerdutyRoutingKey: l.level === 4 ? ROUTING_KEY : null,
    })),
  };
});

const watchdog = () =>
  createWatchdog({
    db: t.db,
    clock: t.clock,
    site: { publicUrl: PUBLIC_URL, updateIntervalMinutes: 30 },
    policy: { repeatMinutes: 15, maxEscalations: 3 },
    deliverers: { mailer, webhookUrl: null, pagerdutyUrl: pagerduty.url },
    publisher: t.publisher,
    log: { info() {}, warn() {}, error() {} },
    escalation: matrix,
  });

const levelsSent = async (dog: ReturnType<typeof watchdog>) => (await dog.tick()).followUp.notices.map((n) => n.level);
const keepFresh = () => t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ message: 'Still working on it.' }));

describe('escalation levels (injected clock)', () => {
  it('reaches each level of a P0 once, at its threshold, by email, webhook and PagerDuty', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P0' }));
    const dog = watchdog();
    expect(await levelsSent(dog)).toEqual([3]); // P0 declared → level 3
    expect(await levelsSent(dog)).toEqual([]);
    t.clock.advance(29 * MIN + 59_000);
    await keepFresh();
    expect(await levelsSent(dog)).toEqual([]);
    t.clock.advance(1000); // 30 min unresolved → level 2
    expect(await levelsSent(dog)).toEqual([2]);
    t.clock.advance(89 * MIN + 59_000);
    expect(await levelsSent(dog)).toEqual([]);
    t.clock.advance(1000); // P0 over 2 h → level 4
    expect(await levelsSent(dog)).toEqual([4]);
    t.clock.advance(10 * 60 * MIN);
    expect(await levelsSent(dog)).toEqual([]);

    expect(smtp.mails.map((m) => m.to)).toEqual(['level3@example.test', 'level2@example.test', 'level4@example.test']);
    expect(smtp.mails[0]!.subject).toBe('[Herald] Escalation to level 3 (Engineering manager / director): INC-1 (P0) unresolved less than a minute');
    expect(hook.bodies.map((b) => b.json.herald)).toMatchObject([{ kind: 'escalation', level: 3, incident: 'INC-1' }]);
    expect(pagerduty.bodies.map((b) => b.json)).toMatchObject([
      { routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: 'herald-INC-1-level-4', payload: { source: 'herald', severity: 'critical' } },
    ]);
  });

  it('reaches level 2 when a P1 is declared and level 3 after an hour unresolved', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1' }));
    const dog = watchdog();
    expect(await levelsSent(dog)).toEqual([2]);
    t.clock.advance(59 * MIN);
    expect(await levelsSent(dog)).toEqual([]);
    t.clock.advance(MIN);
    expect(await levelsSent(dog)).toEqual([3]);
  });

  it('never repeats a level across restarts or a second process, and sends nothing once resolved', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P2' }));
    t.clock.advance(30 * MIN);
    expect(await levelsSent(watchdog())).toEqual([2]);
    expect(await levelsSent(watchdog())).toEqual([]);
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    t.clock.advance(3 * 60 * MIN);
    expect(await levelsSent(watchdog())).toEqual([]);
    expect((await listPlanNotices(t.db, 1)).map((n) => [n.kind, n.level])).toEqual([['escalation', 2]]);
    expect(smtp.mails).toHaveLength(1);
  });
});
