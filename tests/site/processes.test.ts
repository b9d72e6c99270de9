/**
 * Several Herald processes on one database, each with its own snapshot: a write through
 * either is published by both, and the background jobs that run in both deliver each notice
 * once. Two real servers, one libSQL file, a real SMTP server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { removeDir, startServer, type RunningServer } from '../support/server.ts';
import { startSmtpSink, type SmtpSink } from '../support/sinks.ts';

const TOKEN = 'processes-admin-token-0123456789abcdef';
const SUBSCRIBERS = 20;
const dir = mkdtempSync(join(tmpdir(), 'herald-processes-'));
let smtp: SmtpSink;
let a: RunningServer;
let b: RunningServer;

const shared = () => ({
  DATABASE_URL: `file:${join(dir, 'herald.db')}`,
  SMTP_URL: smtp.url,
  HERALD_ADMIN_TOKEN: TOKEN,
  PUBLIC_URL: 'https://status.example.test',
  HERALD_SECRET: 'processes-secret-0123456789abcdef0123456789',
});
const start = (name: string) => startServer({ ...shared(), SNAPSHOT_DIR: join(dir, `snapshot-${name}`) }, dir);
const admin = (server: RunningServer, method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** Resolves once `server` serves `path` containing `text`; the test's timeout bounds the wait. */
async function shows(server: RunningServer, path: string, text: string): Promise<void> {
  for (;;) {
    const body = await (await fetch(`${server.url}${path}`)).text();
    if (body.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  smtp = await startSmtpSink();
  a = await start('a');
  b = await start('b');
  const csv = ['email', ...Array.from({ length: SUBSCRIBERS }, (_, i) => `reader${i}@example.com`)].join('\n');
  expect((await admin(a, 'POST', '/api/admin/subscribers/import', { csv, consent: true })).status).toBe(201);
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await smtp?.close();
  removeDir(dir);
});

describe('two processes on one database', () => {
  it('publishes a write through either process on both: home page, permalink, feed and JSON', async () => {
    const created = await admin(a, 'POST', '/api/admin/incidents', makeIncident({ title: 'Written through A' }));
    expect(created.status).toBe(201);
    const { ref } = await created.json();
    for (const path of ['/', `/incidents/${ref}`, '/feed.xml', '/api/v2/summary.json', '/services/api']) await shows(b, path, 'Written through A');

    const updated = await admin(b, 'POST', `/api/admin/incidents/${ref}/updates`, makeUpdate({ message: 'Update written through B.' }));
    expect(updated.status).toBe(201);
    for (const path of ['/', `/incidents/${ref}`, '/feed.xml']) await shows(a, path, 'Update written through B.');
  });

  it('mails each subscriber each update exactly once, whichever process sends', async () => {
    const created = await admin(b, 'POST', '/api/admin/incidents', makeIncident({ title: 'Mailed once', severity: 'P0' }));
    const { ref } = await created.json();
    await admin(a, 'POST', `/api/admin/incidents/${ref}/updates`, makeUpdate({ message: 'Second notice.' }));
    await admin(b, 'POST', `/api/admin/incidents/${ref}/updates`, makeUpdate({ status: 'resolved', message: 'Third notice.' }));
    const expected = SUBSCRIBERS * 3;
    // Both processes' sender jobs run; wait until the outbox says every row is sent.
    for (;;) {
      const { updates } = await (await admin(a, 'GET', `/api/admin/incidents/${ref}/deliveries`)).json();
      if (
        updates.length === 3 &&
        updates.every((u: { sent: number; queued: number; retrying: number }) => u.sent === SUBSCRIBERS && u.queued === 0 && u.retrying === 0)
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const mine = smtp.mails.filter((m) => m.parsed.subject?.includes(`(${ref})`));
    expect(mine).toHaveLength(expected);
    const pairs = new Set(mine.map((m) => `${m.to} ${m.parsed.subject}`));
    expect(pairs.size).toBe(expected);
  });

  it('catches a process up on writes made while it was stopped, from its own snapshot', async () => {
    await b.stop();
    const created = await admin(a, 'POST', '/api/admin/incidents', makeIncident({ title: 'Written while B was down' }));
    const { ref } = await created.json();
    b = await start('b');
    expect(b.output()).toContain('Serving the last published snapshot');
    await shows(b, `/incidents/${ref}`, 'Written while B was down');
    await shows(b, '/', 'Written while B was down');
  });
});
