import { beforeEach, describe, expect, it } from 'vitest';
import { listPlanNotices } from '../../../api/features/plan/notices-store.ts';
import { createMailer } from '../../../api/platform/delivery/mailer.ts';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { watchdogBench } from '../../support/watchdog.ts';

const HOUR = 3_600_000;

const bench = watchdogBench();
const { watchdog } = bench;
let smtp: typeof bench.smtp;
let hook: typeof bench.hook;
let _mailer: typeof bench.mailer;
let t: typeof bench.t;
beforeEach(() => {
  ({ smtp, hook, t } = bench);
});

const resolvedIncident = async (severity: 'P0' | 'P1' | 'P2') => {
  await t.call('POST', '/api/admin/incidents', makeIncident({ severity, commander: 'Sam Lee' }));
  await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
};

describe('the overdue postmortem notice', () => {
  it('goes once, just after the 48 hours, to the comms leads, the commander and the webhook', async () => {
    await resolvedIncident('P1');
    const dog = watchdog();
    t.clock.advance(48 * HOUR);
    expect((await dog.tick()).followUp.notices).toEqual([]);
    t.clock.advance(1000);
    const first = await dog.tick();
    expect(first.followUp).toEqual({ notices: [{ ref: 'INC-1', kind: 'postmortem', recipients: 3 }], delivered: 3, failed: 0 });
    expect(smtp.mails.map((m) => m.to).sort()).toEqual(['comms@example.test', 'ic@example.test']);
    expect(smtp.mails[0]!.subject).toBe('[Herald] Postmortem overdue: INC-1 (P1) was due by 2026-03-12 12:00 UTC');
    expect(hook.bodies[0].json.herald).toMatchObject({ kind: 'postmortem', incident: 'INC-1' });
    t.clock.advance(HOUR);
    expect((await dog.tick()).followUp).toEqual({ notices: [], delivered: 0, failed: 0 });
    expect(smtp.mails).toHaveLength(2);
  });

  it('is not repeated by a restarted or second watchdog', async () => {
    await resolvedIncident('P0');
    t.clock.advance(49 * HOUR);
    await watchdog().tick();
    const second = await watchdog().tick();
    expect(second.followUp.notices).toEqual([]);
    expect(smtp.mails).toHaveLength(2);
    expect((await listPlanNotices(t.db, 1)).map((n) => n.kind)).toEqual(['postmortem']);
  });

  it('is recorded before it is sent: a failed send is retried, not lost', async () => {
    await resolvedIncident('P1');
    t.clock.advance(49 * HOUR);
    const broken = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'Herald <herald@status.example.test>', outboxDir: '/nonexistent' });
    const failing = await watchdog(broken).tick();
    broken.close();
    expect(failing.followUp.notices).toHaveLength(1);
    expect(failing.followUp.failed).toBe(2);
    t.clock.advance(2 * 60_000);
    const retried = await watchdog().tick();
    expect(retried.followUp).toMatchObject({ notices: [], delivered: 2 });
    expect(smtp.mails).toHaveLength(2);
  });

  it('is not owed for a completed postmortem or a P2', async () => {
    await resolvedIncident('P2');
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P0' }));
    await t.call('POST', '/api/admin/incidents/INC-2/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    await t.call('POST', '/api/admin/incidents/INC-2/postmortem', { url: 'https://wiki.example.test/pm/2', completed: true });
    t.clock.advance(72 * HOUR);
    expect((await watchdog().tick()).followUp.notices).toEqual([]);
  });
});
