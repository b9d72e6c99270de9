import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIncident } from '../support/factories.ts';
import { removeDir, startServer, type RunningServer } from '../support/server.ts';
import { startSmtpSink, type SmtpSink } from '../support/sinks.ts';
import { startReceiver, type Received } from '../support/receivers.ts';

const TOKEN = 'channels-e2e-admin-token-0123456789';
const PUBLIC = 'https://status.example.test';

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let received: Received[];
let receiverUrl = '';
let server: RunningServer;
let smtp: SmtpSink;
beforeAll(async () => {
  receiver = await startReceiver();
  ({ received, url: receiverUrl } = receiver);
  smtp = await startSmtpSink();
  server = await startServer({
    SMTP_URL: smtp.url,
    HERALD_ADMIN_TOKEN: TOKEN,
    PUBLIC_URL: PUBLIC,
    MAIL_FROM: 'Status <status@status.example.test>',
    // Development only: the receivers are on loopback.
    WEBHOOK_ALLOW_LOCAL: 'true',
  });
});
afterAll(async () => {
  await server.stop();
  await smtp.close();
  await receiver.close();
  removeDir(server.dir);
});

const at = (url: string) => `${server.url}${url.startsWith(PUBLIC) ? url.slice(PUBLIC.length) : url}`;
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
  body: new URLSearchParams(fields).toString(),
});
const until = async (done: () => boolean, what: string) => {
  for (const end = Date.now() + 10_000; !done(); await new Promise((r) => setTimeout(r, 50)))
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
};

/** Signs up through the page's form fields and confirms through the page's button; returns the confirmed page. */
async function signUp(fields: Record<string, string>): Promise<string> {
  const before = smtp.count();
  const sent = await fetch(`${server.url}/subscribe`, form(fields));
  expect([sent.status, (await sent.text()).includes('Check your inbox')]).toEqual([200, true]);
  await smtp.waitFor(before + 1);
  const confirmUrl = /https:\S+\/subscribe\/confirm\/\S+/.exec(smtp.mails.at(-1)?.parsed.text ?? '')?.[0] as string;
  const confirmed = await fetch(at(confirmUrl), form({}));
  expect(confirmed.status).toBe(200);
  return confirmed.text();
}

describe('chat and webhook subscriptions on the real server (built pages, real SMTP, real receivers)', () => {
  it('offers every channel, the events and P0/P1-only as plain form fields on the public pages', async () => {
    for (const path of ['/', '/history']) {
      const html = await (await fetch(`${server.url}${path}`)).text();
      for (const channel of ['email', 'webhook', 'slack', 'teams', 'discord']) expect(html).toContain(`name="channel" value="${channel}"`);
      expect(html).toMatch(/<input[^>]*name="url"[^>]*type="url"/);
      for (const events of ['all', 'incidents', 'maintenance']) expect(html).toContain(`name="events" value="${events}"`);
      expect(html).toContain('name="majorOnly"');
    }
  });

  it('signs a Slack target up through the form, posts a test message on confirmation, then every incident', async () => {
    const page = await signUp({ email: 'ops@example.com', channel: 'slack', url: `${receiverUrl}/slack`, events: 'all', website: '' });
    expect(page).toContain('a test message is on its way to it now');
    await until(() => received.some((r) => r.path === '/slack'), 'the test message');
    const ref = (
      await (
        await fetch(`${server.url}/api/admin/incidents`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(makeIncident()),
        })
      ).json()
    ).ref;
    await until(() => received.filter((r) => r.path === '/slack').length === 2, 'the incident');
    const message = JSON.parse(received.filter((r) => r.path === '/slack')[1]?.body ?? '{}');
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(message.text).toContain(ref);
  });

  it('shows a webhook its signing secret once, on the confirmed page, and signs with it', async () => {
    const page = await signUp({ email: 'dev@example.com', channel: 'webhook', url: `${receiverUrl}/hook` });
    const secret = /<code>(whsec_[A-Za-z0-9_-]+)<\/code>/.exec(page)?.[1];
    expect(secret).toBeDefined();
    await until(() => received.some((r) => r.path === '/hook'), 'the test message');
    const test = received.find((r) => r.path === '/hook') as Received;
    const [, ts, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(test.headers['x-herald-signature'])) ?? [];
    expect(v1).toBe(
      createHmac('sha256', secret ?? '')
        .update(`${ts}.${test.body}`)
        .digest('hex'),
    );
    // The manage link in the payload shows the subscription, never the secret again.
    const manage = JSON.parse(test.body).meta.manage as string;
    const managePage = await (await fetch(at(manage), { headers: { accept: 'text/html' } })).text();
    expect(managePage).toContain(`(${receiverUrl})`);
    expect(managePage).not.toContain(secret);
  });
});
