import { createMailer } from '../../api/platform/delivery/mailer.ts';
import { LINK_SECRET, makeTestApp, PUBLIC_URL, ADMIN_TOKEN } from './app.ts';
import { startSmtpSink } from './sinks.ts';

export const SECRET = LINK_SECRET;

/**
 * Herald as production assembles it, on `:memory:` libSQL with a manual clock — and a real SMTP
 * server receiving what the real sender sends. `throttle: 'default'` keeps the shipped sign-up
 * limit; otherwise it is raised, since every test request comes from the same address.
 */
export async function makeSubscriberApp(options: { throttle?: 'default'; hooks?: { allowLocal: boolean; slackWebhookUrl?: string } } = {}) {
  const smtp = await startSmtpSink();
  const mailer = createMailer({ smtpUrl: smtp.url, from: 'Example Status <status@status.example.test>', outboxDir: '/nonexistent' });
  const env: Record<string, string> = { WEBHOOK_ALLOW_LOCAL: String(options.hooks?.allowLocal ?? false) };
  if (options.hooks?.slackWebhookUrl) env.SLACK_WEBHOOK_URL = options.hooks.slackWebhookUrl;
  const t = await makeTestApp({ mailer, env, ...(options.throttle === 'default' ? {} : { signupThrottle: { limit: 1000, windowMs: 60_000 } }) });
  const { app, db, herald } = t;
  const sender = herald.sender;
  const compose = herald.mailSettings;

  const request = async (
    method: string,
    path: string,
    init: { form?: Record<string, string | string[]>; json?: unknown; token?: string | null; headers?: Record<string, string> } = {},
  ) => {
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
  return { ...t, smtp, sender, mailer, compose, request, deliver, close };
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
