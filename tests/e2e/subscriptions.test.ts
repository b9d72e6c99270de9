import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { removeDir, startServer, type RunningServer } from '../support/server.ts';
import { startSmtpSink, type SmtpSink } from '../support/sinks.ts';

const TOKEN = 'subscriber-e2e-admin-token-0123456789';
const PUBLIC = 'https://status.example.test';

let server: RunningServer;
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startServer({ SMTP_URL: smtp.url, HERALD_ADMIN_TOKEN: TOKEN, PUBLIC_URL: PUBLIC, MAIL_FROM: 'Status <status@status.example.test>' });
});
afterAll(async () => {
  await server.stop();
  await smtp.close();
  removeDir(server.dir);
});

const at = (url: string) => `${server.url}${url.startsWith(PUBLIC) ? url.slice(PUBLIC.length) : url}`;
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
  body: new URLSearchParams(fields).toString(),
});
const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('subscriptions on the real server (built pages, real SMTP)', () => {
  it('offers the subscribe form on every public page and links each service’s feed from its page', async () => {
    for (const path of ['/', '/history', '/services/api']) {
      const html = await (await fetch(`${server.url}${path}`)).text();
      expect(html).toMatch(/<form[^>]*method="post"[^>]*action="\/subscribe"/);
      expect(html).toContain('name="website"');
    }
    const service = await (await fetch(`${server.url}/services/api`)).text();
    expect(service).toContain('href="/services/api/feed.xml"');
    expect(service).toMatch(/<link rel="alternate" type="application\/rss\+xml"[^>]*href="\/services\/api\/feed.xml"/);
  });

  it('signs up through the form, confirms through the page’s button, and mails the incident from the sender job', async () => {
    const before = smtp.count();
    const sent = await fetch(`${server.url}/subscribe`, form({ email: 'zoe@example.com', services: 'api' }));
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('Check your inbox');
    await smtp.waitFor(before + 1);
    const confirmUrl = /https:\S+\/subscribe\/confirm\/\S+/.exec(smtp.mails.at(-1)?.parsed.text ?? '')?.[0] as string;
    const page = await (await fetch(at(confirmUrl), { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('Confirm my subscription');
    const confirmed = await fetch(at(confirmUrl), form({}));
    const confirmedText = await confirmed.text();
    expect([confirmed.status, confirmedText.includes('Subscription confirmed')]).toEqual([200, true]);
    // What the page promises is what goes out: mail for critical and major incidents, smaller ones only when announced.
    expect(confirmedText).toContain('will receive mail about incidents of critical or major impact on the services it follows');
    expect(confirmedText).toContain('about smaller incidents only when we choose to announce them');

    const minor = (await (await admin('POST', '/api/admin/incidents', makeIncident({ title: 'Slow API', severity: 'P3' }))).json()).ref;
    const created = await admin('POST', '/api/admin/incidents', makeIncident());
    const ref = (await created.json()).ref;
    await smtp.waitFor(before + 2);
    const mail = smtp.mails.at(-1);
    expect(mail?.parsed.subject).toBe(`[Investigating] Elevated API error rates (${ref})`);
    const manage = /https:\S+\/subscribe\/manage\/\S+/.exec(mail?.parsed.text ?? '')?.[0] as string;
    const managePage = await (await fetch(at(manage), { headers: { accept: 'text/html' } })).text();
    expect(managePage).toMatch(/<input type="checkbox" name="services" value="api" checked/);
    const deliveries = await (await admin('GET', `/api/admin/incidents/${ref}/deliveries`)).json();
    expect(deliveries.updates[0]).toMatchObject({ sent: 1 });
    const invalid = await fetch(`${server.url}/unsubscribe/1.${'A'.repeat(43)}`, { headers: { accept: 'text/html' } });
    expect([invalid.status, (await invalid.text()).includes('This link does not work')]).toEqual([404, true]);
    await admin('POST', `/api/admin/incidents/${ref}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    await admin('POST', `/api/admin/incidents/${minor}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    expect(
      smtp.mails
        .slice(before)
        .map((m) => m.parsed.subject)
        .filter((s) => s?.includes(minor)),
    ).toEqual([]);
  });
});
