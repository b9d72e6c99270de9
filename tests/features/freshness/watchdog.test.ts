import { beforeEach, describe, expect, it } from 'vitest';
import { listNotices } from '../../../api/features/freshness/store.ts';
import { createMailer } from '../../../api/platform/delivery/mailer.ts';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { PUBLIC_URL } from '../../support/app.ts';
import { watchdogBench } from '../../support/watchdog.ts';

const MIN = 60_000;
const policy = { repeatMinutes: 15, maxEscalations: 3 };

const bench = watchdogBench(policy);
const { watchdog } = bench;
let smtp: typeof bench.smtp;
let hook: typeof bench.hook;
let _mailer: typeof bench.mailer;
let t: typeof bench.t;
beforeEach(() => {
  ({ smtp, hook, t } = bench);
});

const declare = async (overrides = {}) => {
  const res = await t.call('POST', '/api/admin/incidents', makeIncident({ commander: 'Sam Lee', ...overrides }));
  expect(res.status).toBe(201);
  return res.json.ref as string;
};
const subjects = () => smtp.mails.map((m) => `${m.to}: ${m.subject.replace(/ \(notice.*/, '')}`);

describe('the freshness watchdog (injected clock)', () => {
  it('reminds the comms leads exactly once, 5 minutes before the deadline', async () => {
    await declare();
    const dog = watchdog();
    t.clock.advance(24 * MIN + 59_000);
    expect((await dog.tick()).notices).toEqual([]);
    t.clock.advance(1000);
    expect((await dog.tick()).notices).toEqual([{ ref: 'INC-1', kind: 'reminder', seq: 1, recipients: 2 }]);
    t.clock.advance(2 * MIN);
    await dog.tick();
    expect(subjects()).toEqual(['comms@example.test: [Herald] Reminder: INC-1 needs a public update by 12:30 UTC']);
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0].contentType).toBe('application/json');
    expect(hook.bodies[0].json.text).toContain('Reminder: INC-1 needs a public update by 12:30 UTC');
  });

  it('flags the incident overdue at 30:00, not at 29:59, stores the time, and republishes its page', async () => {
    await declare();
    const dog = watchdog();
    t.clock.advance(30 * MIN - 1000);
    expect((await dog.tick()).flagged).toEqual([]);
    t.clock.advance(1000);
    const report = await dog.tick();
    expect(report.flagged).toEqual(['INC-1']);
    const { rows } = await t.db.execute('SELECT due_at, flagged_at FROM freshness_flags WHERE incident_id = 1');
    expect(rows[0]).toMatchObject({ due_at: '2026-03-10T12:30:00.000Z', flagged_at: '2026-03-10T12:30:00.000Z' });
    // Republished at the deadline: the published model now shows the incident overdue.
    expect(t.publisher.current()?.generatedAt).toBe('2026-03-10T12:30:00.000Z');
    expect(t.publisher.current()?.incidents[0]).toMatchObject({ ref: 'INC-1', overdue: true });
    expect((await t.app.request('/healthz/freshness')).status).toBe(503);
  });

  it('escalates to the comms leads and the commander every 15 minutes, and stops at the maximum', async () => {
    await declare();
    const dog = watchdog();
    for (let minute = 25; minute <= 100; minute += 1) {
      t.clock.set(new Date(Date.parse('2026-03-10T12:00:00Z') + minute * MIN));
      await dog.tick();
    }
    const overdue = smtp.mails.filter((m) => m.subject.includes('OVERDUE'));
    expect(overdue.map((m) => [m.recipients[0], m.subject])).toEqual([
      ['comms@example.test', '[Herald] OVERDUE: INC-1 update was due at 12:30 UTC (notice 1 of 3)'],
      ['ic@example.test', '[Herald] OVERDUE: INC-1 update was due at 12:30 UTC (notice 1 of 3)'],
      ['comms@example.test', '[Herald] OVERDUE: INC-1 update was due at 12:30 UTC (notice 2 of 3)'],
      ['ic@example.test', '[Herald] OVERDUE: INC-1 update was due at 12:30 UTC (notice 2 of 3)'],
      ['comms@example.test', '[Herald] OVERDUE: INC-1 update was due at 12:30 UTC (notice 3 of 3)'],
      ['ic@example.test', '[Herald] OVERDUE: INC-1 update was due at 12:30 UTC (notice 3 of 3)'],
    ]);
    const times = (await listNotices(t.db, 1)).filter((n) => n.kind === 'escalation').map((n) => n.createdAt.slice(11, 16));
    expect(times).toEqual(['12:30', '12:45', '13:00']);
    expect(overdue[0]?.parsed.text).toContain(`${PUBLIC_URL}/admin/incidents/INC-1`);
  });

  it('sends escalations to a commander given as an email address', async () => {
    await declare({ commander: 'oncall-lead@example.test' });
    const dog = watchdog();
    t.clock.advance(30 * MIN);
    await dog.tick();
    expect(smtp.mails.flatMap((m) => m.recipients).sort()).toEqual(['comms@example.test', 'oncall-lead@example.test']);
  });

  it('a new update clears the flag and starts a fresh cycle for the new deadline', async () => {
    const ref = await declare();
    const dog = watchdog();
    t.clock.advance(31 * MIN);
    await dog.tick();
    expect((await t.app.request('/healthz/freshness')).status).toBe(503);
    expect((await t.call('POST', `/api/admin/incidents/${ref}/updates`, makeUpdate({ nextUpdateInMinutes: 10 }))).status).toBe(201);
    expect((await t.app.request('/healthz/freshness')).status).toBe(200);
    const report = await dog.tick();
    expect(report.cleared).toEqual(['INC-1']);
    expect((await t.db.execute('SELECT count(*) AS n FROM freshness_flags')).rows[0]?.n).toBe(0);
    t.clock.advance(5 * MIN);
    expect((await dog.tick()).notices).toEqual([{ ref: 'INC-1', kind: 'reminder', seq: 1, recipients: 2 }]);
    t.clock.advance(15 * MIN);
    expect((await dog.tick()).notices.map((n) => n.kind)).toEqual(['escalation']);
  });

  it('sends nothing for a resolved incident', async () => {
    const ref = await declare();
    await t.call('POST', `/api/admin/incidents/${ref}/updates`, makeUpdate({ status: 'resolved' }));
    const dog = watchdog();
    t.clock.advance(60 * MIN);
    expect(await dog.tick()).toMatchObject({ flagged: [], notices: [], delivered: 0 });
    expect(smtp.mails).toEqual([]);
  });

  it('a restart neither repeats a notice already sent nor loses one that was not', async () => {
    await declare();
    t.clock.advance(25 * MIN);
    await watchdog().tick();
    expect(smtp.mails).toHaveLength(1);
    // A new process, same database, same instant: the reminder is not sent again.
    await watchdog().tick();
    expect(smtp.mails).toHaveLength(1);

    // The escalation is claimed while the mail relay is down (as if the process died before sending)…
    const down = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'h@example.test', outboxDir: '/nonexistent' });
    t.clock.advance(5 * MIN);
    const failed = await watchdog(down).tick();
    down.close();
    expect(failed.notices).toEqual([{ ref: 'INC-1', kind: 'escalation', seq: 1, recipients: 3 }]);
    expect(failed.delivered).toBe(1); // the webhook got through
    expect(smtp.mails).toHaveLength(1);
    // …and the next process delivers it, once, when the outbox's retry is due (30 s after the failure).
    t.clock.advance(30_000);
    const recovered = await watchdog().tick();
    expect(recovered.notices).toEqual([]);
    expect(recovered.delivered).toBe(2);
    await watchdog().tick();
    expect(subjects()).toEqual([
      'comms@example.test: [Herald] Reminder: INC-1 needs a public update by 12:30 UTC',
      'comms@example.test: [Herald] OVERDUE: INC-1 update was due at 12:30 UTC',
      'ic@example.test: [Herald] OVERDUE: INC-1 update was due at 12:30 UTC',
    ]);
    expect(hook.bodies).toHaveLength(2);
  });
});

describe('/healthz/freshness and /metrics', () => {
  it('answers 200 with an empty list while nothing is overdue, 503 listing the overdue ones after', async () => {
    const ok = await t.app.request('/healthz/freshness');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', open: 0, overdue: [] });
    await declare({ title: 'Slow search', severity: 'P2' });
    t.clock.advance(30 * MIN - 1000);
    expect((await t.app.request('/healthz/freshness')).status).toBe(200);
    t.clock.advance(2 * MIN + 1000);
    const red = await t.app.request('/healthz/freshness');
    expect(red.status).toBe(503);
    expect((await red.json()).overdue).toEqual([
      expect.objectContaining({ ref: 'INC-1', title: 'Slow search', severity: 'P2', nextUpdateDueAt: '2026-03-10T12:30:00.000Z', overdueMinutes: 2 }),
    ]);
  });

  it('exports open, overdue and seconds to the next deadline as Prometheus gauges', async () => {
    const empty = await (await t.app.request('/metrics')).text();
    expect(empty).toContain('herald_incidents_open 0\n');
    expect(empty).not.toMatch(/^herald_next_deadline_seconds /m);
    await declare();
    t.clock.advance(10 * MIN);
    await declare({ title: 'Second' });
    t.clock.advance(25 * MIN);
    const res = await t.app.request('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('# TYPE herald_incidents_open gauge');
    expect(text).toMatch(/^herald_incidents_open 2$/m);
    expect(text).toMatch(/^herald_incidents_overdue 1$/m);
    expect(text).toMatch(/^herald_next_deadline_seconds -300$/m);
  });
});
