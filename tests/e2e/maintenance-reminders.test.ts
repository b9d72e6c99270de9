/**
 * The proof in real time: two real Herald servers on one libSQL file, each running
 * the maintenance job and the sender; a window scheduled 3 minutes ahead with a 2-minute
 * reminder mails each subscriber exactly one reminder (real SMTP). Bounded: the reminder is
 * due one minute after scheduling, the job runs every 30 s, and the test waits one interval more.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMaintenance } from '../support/factories.ts';
import { removeDir, startServer, type RunningServer } from '../support/server.ts';
import { eventually, startSmtpSink, type SmtpSink } from '../support/sinks.ts';

const TOKEN = 'reminders-admin-token-0123456789abcdef';
const SUBSCRIBERS = ['ana@example.com', 'bo@example.com', 'cy@example.com'];
const dir = mkdtempSync(join(tmpdir(), 'herald-reminders-e2e-'));
let smtp: SmtpSink;
let a: RunningServer;
let b: RunningServer;

const start = (name: string) =>
  startServer(
    {
      DATABASE_URL: `file:${join(dir, 'herald.db')}`,
      SMTP_URL: smtp.url,
      HERALD_ADMIN_TOKEN: TOKEN,
      PUBLIC_URL: 'https://status.example.test',
      HERALD_SECRET: 'reminders-secret-0123456789abcdef0123456789',
      SNAPSHOT_DIR: join(dir, `snapshot-${name}`),
    },
    dir,
  );
const admin = async (server: RunningServer, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
};

beforeAll(async () => {
  smtp = await startSmtpSink();
  a = await start('a');
  b = await start('b');
  const csv = ['email', ...SUBSCRIBERS].join('\n');
  expect((await admin(a, 'POST', '/api/admin/subscribers/import', { csv, consent: true })).status).toBe(201);
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await smtp?.close();
  removeDir(dir);
});

describe('maintenance reminders with two Herald processes', () => {
  it('mails each subscriber one reminder for a window 3 minutes ahead with a 2-minute reminder', { timeout: 180_000 }, async () => {
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const created = await admin(
      b,
      'POST',
      '/api/admin/maintenance',
      makeMaintenance({ scheduledFor: at(3 * 60_000), scheduledUntil: at(33 * 60_000), reminderMinutes: [2] }),
    );
    expect(created.status).toBe(201);
    const reminders = () => smtp.mails.filter((m) => m.subject.startsWith('[Reminder]'));
    await eventually(() => reminders().length >= SUBSCRIBERS.length, 'the reminders', 120_000, 250);
    // Both processes' jobs (every 30 s) run at least once more after it went out: still one each.
    await new Promise((resolve) => setTimeout(resolve, 35_000));
    expect(
      reminders()
        .map((m) => m.to)
        .sort(),
    ).toEqual([...SUBSCRIBERS].sort());
    const window = (await admin(a, 'GET', '/api/admin/maintenance/MNT-1')).json;
    expect(window.reminders).toEqual([expect.objectContaining({ minutesBefore: 2, state: 'sent' })]);
    expect(window.updates.filter((u: { event: string }) => u.event === 'reminder')).toHaveLength(1);
  });
});
