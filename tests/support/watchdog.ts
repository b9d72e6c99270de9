import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createUser } from '../../api/features/access/users.ts';
import type { EscalationPolicy } from '../../api/features/freshness/rules.ts';
import { createWatchdog } from '../../api/features/freshness/watchdog.ts';
import { silentLog } from '../../api/platform/log/log.ts';
import { createMailer, type Mailer } from '../../api/platform/delivery/mailer.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from './app.ts';
import { startSmtpSink, startWebhookSink } from './sinks.ts';

/**
 * The freshness watchdog's test bench: a real SMTP sink and webhook sink for the file, and
 * before each test a fresh Herald at 12:00 with a comms lead and a commander (Sam Lee).
 * Registers its own hooks; read the parts through the returned getters.
 */
export function watchdogBench(policy: EscalationPolicy = { repeatMinutes: 15, maxEscalations: 3 }) {
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let hook: Awaited<ReturnType<typeof startWebhookSink>>;
  let mailer: Mailer;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    hook = await startWebhookSink();
    mailer = createMailer({ smtpUrl: smtp.url, from: 'Herald <herald@status.example.test>', outboxDir: '/nonexistent' });
  });
  afterAll(async () => {
    mailer.close();
    await smtp.close();
    await hook.close();
  });
  beforeEach(async () => {
    smtp.mails.length = 0;
    hook.bodies.length = 0;
    t = await makeTestApp({ start: '2026-03-10T12:00:00.000Z' });
    await createUser(t.db, { email: 'comms@example.test', role: 'comms', password: 'correct horse battery' }, t.clock.now());
    await createUser(t.db, { email: 'ic@example.test', name: 'Sam Lee', role: 'support', password: 'correct horse battery' }, t.clock.now());
  });
  return {
    get smtp() {
      return smtp;
    },
    get hook() {
      return hook;
    },
    get mailer() {
      return mailer;
    },
    get t() {
      return t;
    },
    /** The watchdog as the server builds it, sending through `m` (the sink's mailer unless given). */
    watchdog: (m: Mailer = mailer) =>
      createWatchdog({
        db: t.db,
        clock: t.clock,
        site: { publicUrl: PUBLIC_URL, updateIntervalMinutes: 30 },
        policy,
        deliverers: { mailer: m, webhookUrl: hook.url },
        publisher: t.publisher,
        log: silentLog,
      }),
  };
}
