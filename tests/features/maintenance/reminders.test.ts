/**
 * Reminders before a maintenance window: planned when it is scheduled (none already due),
 * sent by the maintenance job as a timeline entry that every subscriber of maintenance hears
 * of, once each — even with two Herald instances on one database file running the job and
 * the sender at the same moments. Real SMTP (smtp-server), a libSQL file, manual clocks.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMailer } from '../../../api/platform/delivery/mailer.ts';
import { makeTestApp, type TestApp } from '../../support/app.ts';
import { makeMaintenance } from '../../support/factories.ts';
import { removeDir } from '../../support/server.ts';
import { startSmtpSink, type SmtpSink } from '../../support/sinks.ts';

const T0 = '2026-03-10T12:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const SUBSCRIBERS = ['ana@example.com', 'bo@example.com', 'cy@example.com', 'di@example.com'];

let dir: string;
let smtp: SmtpSink;
let a: TestApp;
let b: TestApp;

/** Herald on the shared database file, mailing through the SMTP sink. */
const herald = () =>
  makeTestApp({
    start: T0,
    env: { DATABASE_URL: `file:${join(dir, 'herald.db')}` },
    mailer: createMailer({ smtpUrl: smtp.url, from: 'Example Status <status@status.example.test>', outboxDir: '/nonexistent' }),
  });

/** Both instances' clocks to the same instant. */
const setClocks = (instant: string) => {
  a.clock.set(instant);
  b.clock.set(instant);
};

/** Both instances run the maintenance job and then the sender, at the same moments, `rounds` times. */
async function runBoth(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await Promise.all([a.herald.maintenance.tick(), b.herald.maintenance.tick(), a.herald.maintenance.tick(), b.herald.maintenance.tick()]);
    await Promise.all([a.herald.sender.drain(), b.herald.sender.drain()]);
  }
}

const reminderMails = () => smtp.mails.filter((m) => m.subject.startsWith('[Reminder]'));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-reminders-'));
  smtp = await startSmtpSink();
  a = await herald();
  b = await herald();
  const csv = ['email', ...SUBSCRIBERS].join('\n');
  expect((await a.call('POST', '/api/admin/subscribers/import', { csv, consent: true })).status).toBe(201);
});

afterEach(async () => {
  for (const t of [a, b]) {
    t.mailer.close();
    t.db.close();
  }
  await smtp.close();
  removeDir(dir);
});

describe('maintenance reminders', () => {
  it('sends a window scheduled 3 minutes ahead with a 2-minute reminder exactly one reminder per subscriber, with two Heralds on one database', async () => {
    const created = await a.call('POST', '/api/admin/maintenance', makeMaintenance({ scheduledFor: at(3), scheduledUntil: at(33), reminderMinutes: [2] }));
    expect(created.status).toBe(201);
    expect(created.json.reminders).toEqual([{ minutesBefore: 2, dueAt: at(1), state: 'pending' }]);
    await runBoth(1);
    expect(smtp.mails.filter((m) => m.subject.startsWith('[Scheduled]'))).toHaveLength(SUBSCRIBERS.length);

    // Not before its time.
    setClocks(at(0.99));
    await runBoth(1);
    expect(reminderMails()).toHaveLength(0);

    setClocks(at(1));
    await runBoth();
    // The window starts 2 minutes later: both run again, nothing more is reminded.
    setClocks(at(2));
    await runBoth();
    setClocks(at(3));
    await runBoth();

    const reminders = reminderMails();
    expect(reminders.map((m) => m.to).sort()).toEqual([...SUBSCRIBERS].sort());
    const mail = reminders[0]!;
    expect(mail.subject).toBe('[Reminder] Database upgrade (MNT-1)');
    expect(mail.parsed.text).toContain('Reminder: this maintenance starts in 2 min, at 2026-03-10 12:03 UTC.');
    expect(mail.parsed.text).toContain('https://status.example.test/maintenance.ics');
    expect(mail.parsed.attachments.map((x) => [x.filename, x.contentType])).toEqual([['MNT-1.ics', 'text/calendar']]);
    expect(mail.parsed.attachments[0]!.content.toString()).toContain('UID:mnt-1@status.example.test');

    const window = (await b.call('GET', '/api/admin/maintenance/MNT-1')).json;
    expect(window.status).toBe('in_progress');
    expect(window.updates.filter((u: { event: string }) => u.event === 'reminder')).toHaveLength(1);
    expect(window.reminders).toEqual([{ minutesBefore: 2, dueAt: at(1), state: 'sent' }]);
  });

  it('plans 24 h and 1 h before the start by default, and none whose time has already come', async () => {
    const ahead = await a.call('POST', '/api/admin/maintenance', makeMaintenance({ scheduledFor: at(2 * 1440), scheduledUntil: at(2 * 1440 + 60) }));
    expect(ahead.json.reminders.map((r: { minutesBefore: number }) => r.minutesBefore)).toEqual([1440, 60]);
    const soon = await a.call('POST', '/api/admin/maintenance', makeMaintenance({ scheduledFor: at(60), scheduledUntil: at(120) }));
    expect(soon.json.reminders).toEqual([]);
    const inside = await a.call('POST', '/api/admin/maintenance', makeMaintenance({ scheduledFor: at(61), scheduledUntil: at(120) }));
    expect(inside.json.reminders).toEqual([{ minutesBefore: 60, dueAt: at(1), state: 'pending' }]);
    const none = await a.call(
      'POST',
      '/api/admin/maintenance',
      makeMaintenance({ scheduledFor: at(2 * 1440), scheduledUntil: at(2 * 1440 + 60), reminderMinutes: [] }),
    );
    expect(none.json.reminders).toEqual([]);
  });

  it('sends only the reminder closest to the start when several fell due while no job ran', async () => {
    await a.call('POST', '/api/admin/maintenance', makeMaintenance({ scheduledFor: at(2 * 1440), scheduledUntil: at(2 * 1440 + 60) }));
    setClocks(at(2 * 1440 - 30));
    await runBoth();
    expect(reminderMails()).toHaveLength(SUBSCRIBERS.length);
    expect(reminderMails()[0]!.parsed.text).toContain('starts in 1 h');
    const window = (await a.call('GET', '/api/admin/maintenance/MNT-1')).json;
    expect(window.reminders.map((r: { state: string }) => r.state)).toEqual(['skipped', 'sent']);
  });

  it('sends none for a window called off, and plans them again from a new start when it is moved', async () => {
    await a.call('POST', '/api/admin/maintenance', makeMaintenance({ scheduledFor: at(120), scheduledUntil: at(180) }));
    await a.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Moved', scheduledFor: at(120), scheduledUntil: at(180) }));
    await a.call('POST', '/api/admin/maintenance/MNT-1/updates', { status: 'completed', message: 'Called off.' });
    const moved = await a.call('POST', '/api/admin/maintenance/MNT-2/reschedule', { scheduledFor: at(240), scheduledUntil: at(300) });
    expect(moved.json.reminders).toEqual([{ minutesBefore: 60, dueAt: at(180), state: 'pending' }]);
    setClocks(at(61));
    await runBoth();
    expect(reminderMails()).toHaveLength(0);
    setClocks(at(180));
    await runBoth();
    expect(reminderMails().map((m) => m.subject)).toEqual(SUBSCRIBERS.map(() => '[Reminder] Moved (MNT-2)'));
  });
});
