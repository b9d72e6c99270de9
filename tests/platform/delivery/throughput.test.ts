/**
 * What keeps a fan-out going at the pace of the relay rather than of Herald's bookkeeping: a busy
 * lane has a second batch on the wire while the first is still out, and the mailer sends over a
 * pool of kept connections, each message built once and handed over whole.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { systemClock } from '../../../api/platform/clock.ts';
import { openDb, type Db } from '../../../api/platform/db/client.ts';
import { migrate } from '../../../api/platform/db/migrate.ts';
import { createMailer } from '../../../api/platform/delivery/mailer.ts';
import { enqueue } from '../../../api/platform/delivery/outbox.ts';
import { createDeliveryQueue } from '../../../api/platform/delivery/queue.ts';
import { eventually } from '../../support/sinks.ts';

const silent = { info() {}, warn() {}, error() {} };
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('a busy lane', () => {
  it('delivers a second batch while the first is still out, never more than two at once, each row once', async () => {
    const db: Db = await openDb({ url: ':memory:' });
    closers.push(() => db.close());
    await migrate(db);
    for (let i = 0; i < 6; i++) await enqueue(db, { kind: 'probe', channel: 'webhook', target: `https://receiver.example.test/${i}` }, systemClock.now());
    let inFlight = 0;
    let most = 0;
    const queue = createDeliveryQueue({ db, clock: systemClock, log: silent, batchSize: 2, pollMs: 20 });
    queue.register({
      name: 'probes',
      kinds: {
        // Each batch waits (up to a second) for another to be out beside it.
        probe: {
          async attempt(rows) {
            inFlight++;
            most = Math.max(most, inFlight);
            for (const until = Date.now() + 1000; inFlight < 2 && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 10));
            await new Promise((resolve) => setTimeout(resolve, 20));
            inFlight--;
            return rows.map((row) => ({ id: row.id, outcome: 'sent' as const, detail: 'ok' }));
          },
        },
      },
    });
    closers.push(queue.start());
    await eventually(async () => Number((await db.execute("SELECT count(*) AS n FROM outbox WHERE state = 'sent'")).rows[0]?.n) === 6, 'every row sent');
    expect(most).toBe(2);
    const attempts = await db.execute('SELECT outbox_id, count(*) AS n FROM delivery_attempts GROUP BY outbox_id');
    expect(attempts.rows.map((r) => Number(r.n))).toEqual([1, 1, 1, 1, 1, 1]);
  });
});

describe('the mailer', () => {
  it('keeps at most its pool of connections to the relay, and every mail arrives whole, once', async () => {
    let connections = 0;
    let open = 0;
    let most = 0;
    const received: { to: string; subject: string; text: string; html: string; messageId: string; header: string }[] = [];
    const relay = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onConnect(_session, callback) {
        connections++;
        most = Math.max(most, ++open);
        callback();
      },
      onClose() {
        open--;
      },
      onData(stream, session, callback) {
        simpleParser(stream).then((mail) => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: String(mail.html),
            messageId: mail.messageId ?? '',
            header: mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line ?? '',
          });
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => relay.close(() => resolve())));
    const port = (relay.server.address() as { port: number }).port;
    const mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: '"Statut Été" <status@example.test>',
      outboxDir: '/nonexistent',
      maxConnections: 3,
    });
    closers.push(() => mailer.close());

    const sent = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        mailer.send({
          to: `reader${i}@example.com`,
          subject: `Panne « API » n°${i}\r\nBcc: everyone@example.com`,
          text: `Ligne 1\n.\nhttps://status.example.test/unsubscribe/${'x'.repeat(90)}${i}`,
          html: `<p>Été ${i}</p>`,
          messageId: `<herald.test.${i}@status.example.test>`,
          headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        }),
      ),
    );
    expect(sent.every((s) => s.accepted)).toBe(true);
    expect(connections).toBeLessThanOrEqual(3);
    expect(most).toBeLessThanOrEqual(3);
    expect(received).toHaveLength(60);
    const seven = received.find((m) => m.to === 'reader7@example.com');
    // The CR LF in the subject is a space, not a header of its own.
    expect(seven).toMatchObject({
      subject: 'Panne « API » n°7 Bcc: everyone@example.com',
      messageId: '<herald.test.7@status.example.test>',
      header: 'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
      html: '<p>Été 7</p>',
    });
    // A lone dot on a line and a long line survive the trip.
    expect(seven?.text.trim()).toBe(`Ligne 1\n.\nhttps://status.example.test/unsubscribe/${'x'.repeat(90)}7`);
    expect(new Set(received.map((m) => m.messageId)).size).toBe(60);
  });
});
