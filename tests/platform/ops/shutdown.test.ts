import { request } from 'node:http';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../api/platform/db/client.ts';
import { makeIncident } from '../../support/factories.ts';
import { removeDir, startServer } from '../../support/server.ts';

const TOKEN = 'shutdown-admin-token-0123456789abcdef';
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** An SMTP relay that takes `delayMs` to accept each message (or never answers, with Infinity). */
async function startSlowRelay(delayMs: number) {
  let started = 0;
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      started++;
      stream.resume();
      stream.on('end', () => {
        if (Number.isFinite(delayMs))
          setTimeout(() => {
            accepted++;
            callback();
          }, delayMs);
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, started: () => started, accepted: () => accepted, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const until = async (check: () => boolean, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

const subscribe = (url: string, email: string) =>
  fetch(`${url}/subscribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email }).toString(),
  });

describe('SIGTERM', () => {
  it('stops accepting, finishes the request and the delivery batch in flight, closes the database and exits 0 within 10 s', async () => {
    const relay = await startSlowRelay(2000);
    const server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN, SMTP_URL: relay.url });
    dirs.push(server.dir);
    try {
      expect((await subscribe(server.url, 'ann@example.com')).status).toBe(200);
      // The sender has handed the confirmation to the relay, which takes 2 s to accept it.
      await until(() => relay.started() === 1, 'the delivery to start');
      // A request in flight: headers sent, half of the body still to come.
      const body = JSON.stringify(makeIncident({ title: 'Posted during shutdown' }));
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(`${server.url}/api/admin/incidents`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.write(body.slice(0, 20));
        setTimeout(() => req.end(body.slice(20)), 700);
      });
      await new Promise((r) => setTimeout(r, 200));
      const signalled = Date.now();
      const exited = server.stop();
      await new Promise((r) => setTimeout(r, 200));
      // No longer accepting.
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
      const posted = await answer;
      expect(posted.status, posted.text).toBe(201);
      expect(await exited).toBe(0);
      const took = Date.now() - signalled;
      expect(took).toBeLessThan(10_000);
      expect(relay.accepted()).toBe(1);
      // The batch was recorded before the database closed, and the write landed.
      const db = await openDb({ url: `file:${join(server.dir, 'herald.db')}` });
      try {
        expect((await db.execute("SELECT state FROM outbox WHERE kind = 'confirm'")).rows.map((r) => r.state)).toEqual(['sent']);
        expect((await db.execute("SELECT title FROM incidents WHERE title = 'Posted during shutdown'")).rows).toHaveLength(1);
      } finally {
        db.close();
      }
      expect(server.output()).toMatch(/"job":"server".*SIGTERM: finishing in-flight requests/);
      expect(server.output()).not.toContain('did not finish');
    } finally {
      await relay.close();
    }
  });

  it('exits within 10 s even when the relay never answers; the row is delivered again once its lease runs out', async () => {
    const relay = await startSlowRelay(Infinity);
    const server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN, SMTP_URL: relay.url });
    dirs.push(server.dir);
    try {
      expect((await subscribe(server.url, 'bob@example.com')).status).toBe(200);
      await until(() => relay.started() === 1, 'the delivery to start');
      const signalled = Date.now();
      expect(await server.stop()).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(server.output()).toContain('did not finish within 8 s');
      const db = await openDb({ url: `file:${join(server.dir, 'herald.db')}` });
      try {
        const rows = (await db.execute("SELECT state, lease_until FROM outbox WHERE kind = 'confirm'")).rows;
        expect(rows.map((r) => r.state)).toEqual(['queued']);
        expect(rows[0]?.lease_until).not.toBeNull();
      } finally {
        db.close();
      }
    } finally {
      await relay.close();
    }
  });
});
