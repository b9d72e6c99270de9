import { createApp } from '../../api/app.ts';
import { Catalogue, readContent, SiteSettings } from '../../api/content.ts';
import { openDb, type Db } from '../../api/db/client.ts';
import { syncCatalogue } from '../../api/db/catalogue.ts';
import { migrate } from '../../api/db/migrate.ts';
import { manualClock } from '../../api/domain/clock.ts';
import { createHookDelivery } from '../../api/notify/hooks.ts';
import { createMailer } from '../../api/notify/mailer.ts';
import { createNotifier } from '../../api/notify/notifier.ts';
import { createSender } from '../../api/notify/sender.ts';
import { loadTemplates } from '../../api/notify/templates.ts';
import { createPublisher } from '../../api/publish/publisher.ts';
import { Snapshot } from '../../api/publish/snapshot.ts';
import { ADMIN_TOKEN, CONTENT_DIR, PUBLIC_URL } from '../support/app.ts';
import { startSmtpSink } from './smtp-sink.ts';

export const SECRET = 'test-link-secret-0123456789abcdef0123456789';

/**
 * Herald's app with subscriptions, as the composition root builds it, on `:memory:` libSQL
 * with a manual clock — and a real SMTP server receiving what the real sender sends.
 */
export async function makeSubscriberApp(options: { throttle?: { limit: number; windowMs: number }; hooks?: { allowLocal: boolean; slackWebhookUrl?: string } } = {}) {
  const clock = manualClock('2026-03-10T12:00:00.000Z');
  const db: Db = await openDb({ url: ':memory:' });
  await migrate(db);
  await syncCatalogue(db, readContent(CONTENT_DIR, 'services.json', Catalogue), clock.now());
  const snapshot = new Snapshot(null);
  const settings = readContent(CONTENT_DIR, 'site.json', SiteSettings);
  const config = { publicUrl: PUBLIC_URL, adminToken: ADMIN_TOKEN, updateIntervalMinutes: 30 };
  const publisher = createPublisher({ db, clock, snapshot, renderPage: null, settings, publicUrl: PUBLIC_URL, updateIntervalMinutes: 30 });
  await publisher.publish('all');
  const silent = { info() {}, warn() {}, error() {} };
  const app = createApp({
    db, clock, config, snapshot, publisher, log: silent,
    notifier: createNotifier({ slack: Boolean(options.hooks?.slackWebhookUrl) }),
    subscriptions: { secret: SECRET, throttle: options.throttle ?? { limit: 1000, windowMs: 60_000 }, webhookAllowLocal: options.hooks?.allowLocal ?? false },
  } as Parameters<typeof createApp>[0]);
  const smtp = await startSmtpSink();
  const mailer = createMailer({ smtpUrl: smtp.url, from: 'Example Status <status@status.example.test>', outboxDir: '/nonexistent' });
  const compose = { publicUrl: PUBLIC_URL, siteTitle: settings.title, secret: SECRET, unsubscribeMailbox: 'status@status.example.test', templates: loadTemplates(CONTENT_DIR) };
  const deliverHook = createHookDelivery({ db, publicUrl: PUBLIC_URL, slackWebhookUrl: options.hooks?.slackWebhookUrl, allowLocal: options.hooks?.allowLocal ?? false, now: () => clock.now() });
  const sender = createSender({ db, clock, mailer, log: silent, compose, deliverHook });

  const request = async (method: string, path: string, init: { form?: Record<string, string | string[]>; json?: unknown; token?: string | null; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const x of [v].flat()) params.append(k, x);
      body = params.toString();
    }
    if (init.json !== undefined) (headers['content-type'] = 'application/json'), (body = JSON.stringify(init.json));
    const token = init.token === undefined ? (path.startsWith('/api/admin') ? ADMIN_TOKEN : null) : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await app.request(path, { method, headers, body });
    const text = await response.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: response.status, text, json, headers: response.headers };
  };

  /** Delivers everything due and waits until the SMTP server has it all. */
  const deliver = async () => {
    const before = smtp.count();
    await sender.drain();
    return smtp.mails.slice(before);
  };

  const close = async () => {
    mailer.close();
    await smtp.close();
    db.close();
  };
  return { app, db, clock, smtp, sender, mailer, compose, request, deliver, close };
}

export type SubscriberApp = Awaited<ReturnType<typeof makeSubscriberApp>>;

/** The first link under PUBLIC_URL with this path prefix in a mail's text part. */
export function linkIn(text: string, prefix: string): string {
  const match = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}(${prefix}[^\\s>"]+)`).exec(text);
  if (!match?.[1]) throw new Error(`no ${prefix} link in:\n${text}`);
  return match[1];
}

/** Subscribes an address through the form and confirms it through the link its mail carries. */
export async function subscribeAndConfirm(t: SubscriberApp, email: string, services: string[] = []): Promise<void> {
  const sent = await t.request('POST', '/subscribe', { form: { email, services } });
  if (sent.status !== 200) throw new Error(`subscribe answered ${sent.status}: ${sent.text}`);
  const mail = (await t.deliver()).find((m) => m.to === email);
  if (!mail) throw new Error(`no confirmation mail for ${email}`);
  const confirmed = await t.request('POST', linkIn(mail.parsed.text ?? '', '/subscribe/confirm/'));
  if (confirmed.status !== 200) throw new Error(`confirm answered ${confirmed.status}: ${confirmed.text}`);
}
