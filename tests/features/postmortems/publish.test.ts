import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAstroRenderer } from '../../../api/site/astro-renderer.ts';
import { makeTestApp, PUBLIC_URL } from '../../support/app.ts';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { ROOT } from '../../support/server.ts';
import { linkIn, makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../../support/subscribers.ts';

type Received = { headers: IncomingMessage['headers']; body: string };

/** A webhook receiver: node:http on 127.0.0.1, keeping every request. */
async function startReceiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const HOUR = 3_600_000;
const POSTMORTEM = [
  '## What happened',
  '',
  'A configuration change sent checkout traffic to a pool that could not take it.',
  '',
  '**What we are changing:** staged roll-outs for routing changes.',
].join('\n');

let t: SubscriberApp;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const text = (path: string) => t.snapshot.get(path)?.body.toString() ?? '';

describe('a published postmortem', () => {
  it('is saved as a draft nobody sees, then published on the page, feeds and incidents.json, announced once by mail, webhook and chat, and counted on time', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    closers.push(t.close);
    const receiver = await startReceiver();
    closers.push(receiver.close);
    await t.request('POST', '/api/admin/webhooks', { json: { url: receiver.url } });
    await subscribeAndConfirm(t, 'ops@customer.example', ['web-app']);
    // A Discord channel the customer subscribed themselves, following the same service.
    const discord = await startReceiver();
    closers.push(discord.close);
    await t.request('POST', '/subscribe', {
      form: { channel: 'discord', email: 'chat@customer.example', url: `${discord.url}/discord`, services: ['web-app'] },
    });
    const confirmation = (await t.deliver()).find((m) => m.to === 'chat@customer.example');
    expect((await t.request('POST', linkIn(confirmation?.parsed.text ?? '', '/subscribe/confirm/'))).status).toBe(200);
    const declared = await t.request('POST', '/api/admin/incidents', {
      json: makeIncident({ title: 'Checkout errors', severity: 'P1', notify: false, services: [{ slug: 'web-app', status: 'major_outage' }] }),
    });
    const ref = declared.json.ref as string;
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate({ status: 'resolved', message: 'Fixed.', notify: false }) });
    await t.deliver();
    const mailsBefore = t.smtp.count();
    const hooksBefore = receiver.received.length;
    const chatBefore = discord.received.length;

    t.clock.advance(20 * HOUR);
    const draft = await t.request('POST', `/api/admin/incidents/${ref}/postmortem`, { json: { body: POSTMORTEM } });
    expect(draft.status).toBe(200);
    expect(draft.json).toMatchObject({ postmortemDraft: POSTMORTEM, postmortemBody: null, postmortemPublishedAt: null, postmortemCompletedAt: null });
    expect(text('/api/v2/incidents.json')).not.toContain('staged roll-outs');
    expect(text('/feed.xml')).not.toContain('staged roll-outs');

    t.clock.advance(HOUR);
    const published = await t.request('POST', `/api/admin/incidents/${ref}/postmortem`, { json: { publish: true, notify: true } });
    expect(published.status).toBe(200);
    const at = '2026-03-11T09:00:00.000Z';
    expect(published.json).toMatchObject({
      postmortemDraft: null,
      postmortemBody: POSTMORTEM,
      postmortemPublishedAt: at,
      postmortemNotifiedSubscribers: true,
      postmortemCompletedAt: at,
    });

    const incidents = JSON.parse(text('/api/v2/incidents.json')).incidents;
    expect(incidents.find((i: { id: string }) => i.id === ref)).toMatchObject({
      postmortem_body: POSTMORTEM,
      postmortem_published_at: at,
      postmortem_notified_subscribers: true,
    });
    const feed = text('/feed.xml');
    expect(feed).toContain(`<guid isPermaLink="false">${PUBLIC_URL}/incidents/${ref}#postmortem</guid>`);
    expect(feed).toContain('Checkout errors — Postmortem');
    expect(text('/feed.atom')).toContain('staged roll-outs for routing changes');

    await t.deliver();
    await t.deliver();
    const mails = t.smtp.mails.slice(mailsBefore);
    expect(mails.map((m) => [m.to, m.subject])).toEqual([['ops@customer.example', `[Postmortem] Checkout errors (${ref})`]]);
    expect(mails[0]!.parsed.text).toContain('staged roll-outs for routing changes');
    expect(mails[0]!.parsed.html).toContain('<strong>What we are changing:</strong>');
    const hooks = receiver.received.slice(hooksBefore);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.headers['x-herald-event']).toBe('incident.postmortem');
    expect(JSON.parse(hooks[0]!.body).incident).toMatchObject({
      id: ref,
      postmortem_body: POSTMORTEM,
      postmortem_published_at: at,
      postmortem_notified_subscribers: true,
    });

    const chat = discord.received.slice(chatBefore);
    expect(chat).toHaveLength(1);
    const embed = JSON.parse(chat[0]!.body).embeds[0];
    expect(embed.title).toBe(`[Postmortem] Checkout errors (${ref})`);
    expect(embed.url).toBe(`${PUBLIC_URL}/incidents/${ref}#postmortem`);
    expect(embed.description).toContain('staged roll-outs for routing changes');

    // Asking to notify again is refused: subscribers hear of a postmortem once.
    const again = await t.request('POST', `/api/admin/incidents/${ref}/postmortem`, {
      json: { body: `${POSTMORTEM}\n\nRevised.`, publish: true, notify: true },
    });
    expect(again.status).toBe(409);
    await t.deliver();
    expect(t.smtp.count()).toBe(mailsBefore + 1);
    expect(receiver.received.length).toBe(hooksBefore + 1);

    const report = await t.request('GET', '/api/admin/reports/plan?from=2026-03-01&to=2026-03-31');
    expect(report.json.postmortems).toEqual({ due: 1, onTime: 1, late: 0, missing: 0 });
  });

  it('shows on the incident page under its own heading, rendered and sanitised once', async () => {
    const app = await makeTestApp({ renderPage: await loadAstroRenderer(join(ROOT, 'dist'), PUBLIC_URL) });
    const call = app.call;
    const ref = (await call('POST', '/api/admin/incidents', makeIncident({ severity: 'P2' }))).json.ref;
    await call('POST', `/api/admin/incidents/${ref}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    const body = `${POSTMORTEM}\n\n<script>alert(1)</script> [ok](javascript:alert(2))`;
    expect((await call('POST', `/api/admin/incidents/${ref}/postmortem`, { body, publish: true })).status).toBe(200);
    const page = app.snapshot.get(`/incidents/${ref}`)!.body.toString();
    expect(page).toMatch(/<h2 id="postmortem"[^>]*>Postmortem<\/h2>/);
    expect(page).toContain('<h3>What happened</h3>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('href="javascript:');
    app.db.close();
  });
});

describe('the postmortem’s rules', () => {
  it('refuses a postmortem for an incident not yet resolved (409), text that leaks internals (422), and notify without publish (400)', async () => {
    t = await makeSubscriberApp();
    closers.push(t.close);
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P1', commander: 'Robin Ops' }) })).json.ref;
    const open = await t.request('POST', `/api/admin/incidents/${ref}/postmortem`, { json: { body: POSTMORTEM, publish: true } });
    expect(open.status).toBe(409);
    expect(open.json.error.message).toMatch(/^\[Postmortem\] .* is not resolved yet/);
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate({ status: 'resolved', message: 'Fixed.' }) });
    const leaky = await t.request('POST', `/api/admin/incidents/${ref}/postmortem`, {
      json: { body: 'db-prod-3 at 10.0.4.12 failed; Robin Ops paged.', publish: true },
    });
    expect(leaky.status).toBe(422);
    expect(leaky.json.error.message).toContain('"db-prod-3"');
    const loose = await t.request('POST', `/api/admin/incidents/${ref}/postmortem`, { json: { body: POSTMORTEM, notify: true } });
    expect(loose.status).toBe(400);
    const nothing = await t.request('POST', `/api/admin/incidents/${ref}/postmortem`, { json: { publish: true } });
    expect(nothing.status).toBe(400);
    expect((await t.request('GET', `/api/admin/incidents/${ref}`)).json).toMatchObject({ postmortemBody: null, postmortemDraft: null });
  });

  it('keeps the link and completion as before, and a published text while a revision is drafted', async () => {
    t = await makeSubscriberApp();
    closers.push(t.close);
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P2' }) })).json.ref;
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate({ status: 'resolved', message: 'Fixed.' }) });
    const linked = await t.request('POST', `/api/admin/incidents/${ref}/postmortem`, { json: { url: 'https://wiki.example.test/pm/1', completed: true } });
    expect(linked.json).toMatchObject({ postmortemUrl: 'https://wiki.example.test/pm/1', postmortemCompletedAt: '2026-03-10T12:00:00.000Z' });
    await t.request('POST', `/api/admin/incidents/${ref}/postmortem`, { json: { body: 'First words.', publish: true } });
    t.clock.advance(HOUR);
    const revising = await t.request('POST', `/api/admin/incidents/${ref}/postmortem`, { json: { body: 'Second words.' } });
    expect(revising.json).toMatchObject({ postmortemBody: 'First words.', postmortemDraft: 'Second words.', postmortemNotifiedSubscribers: false });
    expect(text('/api/v2/incidents.json')).toContain('First words.');
    expect(text('/api/v2/incidents.json')).not.toContain('Second words.');
    const revised = await t.request('POST', `/api/admin/incidents/${ref}/postmortem`, { json: { publish: true } });
    expect(revised.json).toMatchObject({ postmortemBody: 'Second words.', postmortemDraft: null, postmortemPublishedAt: '2026-03-10T12:00:00.000Z' });
    expect(text('/api/v2/incidents.json')).toContain('Second words.');
  });
});
