/**
 * The one-delivery-queue migration on a database an earlier Herald left with deliveries
 * pending in freshness_deliveries and plan_deliveries: they come over into the outbox, with
 * their history, and the next watchdog pass delivers the pending ones — once — while what was
 * sent stays sent.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EscalationMatrix } from '../../../api/features/freshness/escalation.ts';
import { listNotices } from '../../../api/features/freshness/store.ts';
import { createWatchdog } from '../../../api/features/freshness/watchdog.ts';
import { listPlanNotices } from '../../../api/features/plan/notices-store.ts';
import { manualClock } from '../../../api/platform/clock.ts';
import { noPublisher } from '../../../api/platform/commands.ts';
import { openDb, type Db } from '../../../api/platform/db/client.ts';
import { migrate } from '../../../api/platform/db/migrate.ts';
import { createMailer, type Mailer } from '../../../api/platform/delivery/mailer.ts';
import { silentLog } from '../../../api/platform/log/log.ts';
import { startSmtpSink, startWebhookSink } from '../../support/sinks.ts';

const MIGRATIONS = join(import.meta.dirname, '..', '..', '..', 'api', 'platform', 'db', 'migrations');
const QUEUE = readdirSync(MIGRATIONS).find((name) => name.endsWith('_one_delivery_queue.sql'))!;
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const at = (hhmm: string) => `2026-03-10T${hhmm}:00.000Z`;

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let hook: Awaited<ReturnType<typeof startWebhookSink>>;
let pagerduty: Awaited<ReturnType<typeof startWebhookSink>>;
let mailer: Mailer;
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

/**
 * The database as the version before left it at 12:26: INC-1 (P1, commander Sam) open since
 * 12:00 with its next update due at 12:30. Its reminder (12:25) went to lead@ but not yet to
 * comms@ (one failed try) nor to the webhook; its escalation to level 2 (12:00) is pending by
 * mail and PagerDuty, its level-2 webhook given up. The outbox holds a subscriber's mail, queued.
 */
async function databaseBefore(dir: string): Promise<Db> {
  for (const name of readdirSync(MIGRATIONS).filter((n) => n < QUEUE)) cpSync(join(MIGRATIONS, name), join(dir, name));
  const db = await openDb({ url: `file:${join(dir, 'herald.db')}` });
  await migrate(db, dir);
  const statements = [
    `INSERT INTO incidents (id, title, severity, status, commander, started_at, updated_at, detected_at) VALUES (1, 'Checkout failing', 'P1', 'investigating', 'Sam', '${at('12:00')}', '${at('12:00')}', '${at('12:00')}')`,
    `INSERT INTO incident_updates (id, incident_id, status, message, next_update_by, notify, author, created_at) VALUES (1, 1, 'investigating', 'Looking.', '${at('12:30')}', 1, 'test', '${at('12:00')}')`,
    `INSERT INTO freshness_notices (id, incident_id, due_at, kind, seq, created_at) VALUES (1, 1, '${at('12:30')}', 'reminder', 1, '${at('12:25')}')`,
    `INSERT INTO freshness_deliveries (notice_id, channel, target, status, attempts, sent_at) VALUES (1, 'email', 'lead@example.test', 'sent', 1, '${at('12:25')}')`,
    `INSERT INTO freshness_deliveries (notice_id, channel, target, status, attempts, last_error) VALUES (1, 'email', 'comms@example.test', 'pending', 1, '421 try later')`,
    `INSERT INTO freshness_deliveries (notice_id, channel, target, status, attempts, claimed_until) VALUES (1, 'webhook', '${hook.url}', 'pending', 0, '${at('12:26')}')`,
    `INSERT INTO plan_notices (id, incident_id, kind, level, created_at) VALUES (1, 1, 'escalation', 2, '${at('12:00')}')`,
    `INSERT INTO plan_deliveries (notice_id, channel, target, status, attempts) VALUES (1, 'email', 'level2@example.test', 'pending', 0)`,
    `INSERT INTO plan_deliveries (notice_id, channel, target, status, attempts) VALUES (1, 'pagerduty', '${ROUTING_KEY}', 'pending', 2)`,
    `INSERT INTO plan_deliveries (notice_id, channel, target, status, attempts, last_error) VALUES (1, 'webhook', 'https://hooks.example.test/level-2', 'failed', 5, 'HTTP 500')`,
    `INSERT INTO subscribers (id, email, state, manage_nonce, created_at, updated_at) VALUES (1, 'ann@example.com', 'confirmed', 'n', '${at('11:00')}', '${at('11:00')}')`,
    `INSERT INTO outbox (id, kind, subscriber_id, incident_id, update_id, next_attempt_at, created_at) VALUES (7, 'incident', 1, 1, 1, '${at('12:00')}', '${at('12:00')}')`,
    `INSERT INTO outbox (id, kind, incident_id, update_id, state, attempts, next_attempt_at, created_at, sent_at) VALUES (8, 'slack', 1, 1, 'sent', 1, '${at('12:00')}', '${at('12:00')}', '${at('12:00')}')`,
  ];
  for (const sql of statements) await db.execute(sql);
  return db;
}

const MATRIX: EscalationMatrix = {
  levels: [
    { level: 1, name: 'On-call engineer', responseMinutes: 5, emails: [], webhookUrl: null, pagerdutyRoutingKey: null, triggers: [] },
    {
      level: 2,
      name: 'Team lead',
      responseMinutes: 15,
      emails: ['level2@example.test'],
      webhookUrl: null,
      pagerdutyRoutingKey: ROUTING_KEY,
      triggers: [{ severities: ['P1'], afterMinutes: 0 }],
    },
  ],
};

describe('the one delivery queue migration', () => {
  it('carries pending freshness and plan deliveries into the outbox, drops their tables, and the next pass delivers them once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-mig-'));
    try {
      const db = await databaseBefore(dir);
      cpSync(join(MIGRATIONS, QUEUE), join(dir, QUEUE));
      expect(await migrate(db, dir)).toEqual([QUEUE]);

      const tables = (await db.execute(`SELECT name FROM sqlite_master WHERE type = 'table'`)).rows.map((r) => String(r.name));
      expect(tables).not.toContain('freshness_deliveries');
      expect(tables).not.toContain('plan_deliveries');
      expect(tables).toContain('delivery_outages');
      const { rows } = await db.execute(
        'SELECT id, kind, channel, notice_id, target, state, attempts, next_attempt_at, lease_until, last_error FROM outbox ORDER BY id',
      );
      expect(rows.map((r) => ({ ...r }))).toEqual([
        // The outbox's own rows keep their ids and say how they go out.
        {
          id: 7,
          kind: 'incident',
          channel: 'mail',
          notice_id: null,
          target: null,
          state: 'queued',
          attempts: 0,
          next_attempt_at: at('12:00'),
          lease_until: null,
          last_error: null,
        },
        {
          id: 8,
          kind: 'slack',
          channel: 'slack',
          notice_id: null,
          target: null,
          state: 'sent',
          attempts: 1,
          next_attempt_at: at('12:00'),
          lease_until: null,
          last_error: null,
        },
        {
          id: 9,
          kind: 'freshness-reminder',
          channel: 'mail',
          notice_id: 1,
          target: 'lead@example.test',
          state: 'sent',
          attempts: 1,
          next_attempt_at: at('12:25'),
          lease_until: null,
          last_error: null,
        },
        {
          id: 10,
          kind: 'freshness-reminder',
          channel: 'mail',
          notice_id: 1,
          target: 'comms@example.test',
          state: 'retrying',
          attempts: 1,
          next_attempt_at: at('12:25'),
          lease_until: null,
          last_error: '421 try later',
        },
        {
          id: 11,
          kind: 'freshness-reminder',
          channel: 'webhook',
          notice_id: 1,
          target: hook.url,
          state: 'queued',
          attempts: 0,
          next_attempt_at: at('12:25'),
          lease_until: null,
          last_error: null,
        },
        {
          id: 12,
          kind: 'plan-escalation',
          channel: 'mail',
          notice_id: 1,
          target: 'level2@example.test',
          state: 'queued',
          attempts: 0,
          next_attempt_at: at('12:00'),
          lease_until: null,
          last_error: null,
        },
        {
          id: 13,
          kind: 'plan-escalation',
          channel: 'pagerduty',
          notice_id: 1,
          target: ROUTING_KEY,
          state: 'retrying',
          attempts: 2,
          next_attempt_at: at('12:00'),
          lease_until: null,
          last_error: null,
        },
        {
          id: 14,
          kind: 'plan-escalation',
          channel: 'webhook',
          notice_id: 1,
          target: 'https://hooks.example.test/level-2',
          state: 'failed',
          attempts: 5,
          next_attempt_at: at('12:00'),
          lease_until: null,
          last_error: 'HTTP 500',
        },
      ]);
      // The outbox no longer lists its kinds; its channels it still does.
      await db.execute(`INSERT INTO outbox (kind, channel, next_attempt_at, created_at) VALUES ('a-new-kind', 'mail', '${at('12:00')}', '${at('12:00')}')`);
      await expect(
        db.execute(`INSERT INTO outbox (kind, channel, next_attempt_at, created_at) VALUES ('x', 'pigeon', '${at('12:00')}', '${at('12:00')}')`),
      ).rejects.toThrow(/CHECK/);
      await db.execute(`DELETE FROM outbox WHERE kind = 'a-new-kind'`);
      // Once-only still holds: a subscriber's notice of an update, a notice to one target.
      await expect(
        db.execute(
          `INSERT INTO outbox (kind, channel, subscriber_id, incident_id, update_id, next_attempt_at, created_at) VALUES ('incident', 'mail', 1, 1, 1, 'x', 'x')`,
        ),
      ).rejects.toThrow(/UNIQUE/);
      await expect(
        db.execute(
          `INSERT INTO outbox (kind, channel, notice_id, target, next_attempt_at, created_at) VALUES ('freshness-reminder', 'mail', 1, 'comms@example.test', 'x', 'x')`,
        ),
      ).rejects.toThrow(/UNIQUE/);

      const clock = manualClock(at('12:26'));
      const dog = createWatchdog({
        db,
        clock,
        site: { publicUrl: 'https://status.example.test', updateIntervalMinutes: 30 },
        policy: { repeatMinutes: 15, maxEscalations: 3 },
        deliverers: { mailer, webhookUrl: hook.url, pagerdutyUrl: pagerduty.url },
        publisher: noPublisher,
        log: silentLog,
        escalation: MATRIX,
      });
      const report = await dog.tick();
      expect(report).toMatchObject({ notices: [], delivered: 2, failed: 0, followUp: { notices: [], delivered: 2, failed: 0 } });
      expect(smtp.mails.map((m) => m.to).sort()).toEqual(['comms@example.test', 'level2@example.test']);
      expect(hook.bodies.map((b) => b.json.herald.kind)).toEqual(['reminder']);
      expect(pagerduty.bodies.map((b) => b.json)).toMatchObject([{ routing_key: ROUTING_KEY, dedup_key: 'herald-INC-1-level-2' }]);
      expect((await listNotices(db, 1))[0]?.deliveries.map((d) => [d.channel, d.target, d.status])).toEqual([
        ['email', 'lead@example.test', 'sent'],
        ['email', 'comms@example.test', 'sent'],
        ['webhook', hook.url, 'sent'],
      ]);
      expect((await listPlanNotices(db, 1))[0]?.deliveries.map((d) => d.status)).toEqual(['sent', 'sent', 'failed']);
      clock.advance(60_000);
      expect(await dog.tick()).toMatchObject({ delivered: 0, followUp: { delivered: 0 } });
      expect(smtp.mails).toHaveLength(2);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
