import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { makeIncident, makeMaintenance, makeUpdate } from '../../support/factories.ts';
import { linkIn, makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../../support/subscribers.ts';
import { PUBLIC_URL } from '../../support/app.ts';
import { startReceiver } from '../../support/receivers.ts';

let t: SubscriberApp;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await t.close();
  for (const close of closers.splice(0)) await close();
});

const CHANNELS = ['webhook', 'slack', 'teams', 'discord'] as const;
type Channel = (typeof CHANNELS)[number];

/**
 * Registers a target through the public form, confirms it through the link mailed to its
 * contact, and returns what the confirmation page said (the webhook's secret is on it).
 */
async function registerAndConfirm(channel: Channel, url: string, form: Record<string, string | string[]> = {}) {
  const email = `${channel}-owner@example.com`;
  const sent = await t.request('POST', '/subscribe', { form: { channel, email, url, ...form } });
  expect(sent.status).toBe(200);
  const mail = (await t.deliver()).find((m) => m.to === email);
  if (!mail) throw new Error(`no confirmation mail for the ${channel} target`);
  const confirmed = await t.request('POST', linkIn(mail.parsed.text ?? '', '/subscribe/confirm/'));
  expect(confirmed.status).toBe(200);
  return { email, confirmation: mail, page: confirmed.text };
}

/**
 * Slack's Block Kit rules for what Herald sends (api.slack.com/reference/block-kit): known block
 * types; a header of plain_text up to 150 characters; a section with text (up to 3000) or
 * fields (at most 10, each up to 2000); a context of at most 10 text elements; every text
 * object typed plain_text or mrkdwn; at most 50 blocks; a non-empty `text` fallback.
 */
function blockKitProblems(message: any): string[] {
  const problems: string[] = [];
  const textObject = (o: any, where: string, max: number) => {
    if (!o || !['plain_text', 'mrkdwn'].includes(o.type)) problems.push(`${where}: not a text object`);
    else if (typeof o.text !== 'string' || o.text.length === 0 || o.text.length > max) problems.push(`${where}: text empty or over ${max}`);
  };
  if (typeof message.text !== 'string' || message.text.trim() === '') problems.push('no plain-text fallback');
  if (!Array.isArray(message.blocks) || message.blocks.length === 0 || message.blocks.length > 50) return [...problems, 'blocks missing'];
  message.blocks.forEach((b: any, i: number) => {
    const where = `blocks[${i}] (${b.type})`;
    if (b.type === 'header') {
      if (b.text?.type !== 'plain_text') problems.push(`${where}: header text must be plain_text`);
      textObject(b.text, where, 150);
    } else if (b.type === 'section') {
      if (!b.text && !b.fields) problems.push(`${where}: neither text nor fields`);
      if (b.text) textObject(b.text, where, 3000);
      if (b.fields) {
        if (b.fields.length > 10) problems.push(`${where}: over 10 fields`);
        for (const [j, f] of (b.fields as any[]).entries()) textObject(f, `${where}.fields[${j}]`, 2000);
      }
    } else if (b.type === 'context') {
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) problems.push(`${where}: 1–10 elements`);
      else for (const [j, e] of (b.elements as any[]).entries()) textObject(e, `${where}.elements[${j}]`, 3000);
    } else if (b.type !== 'divider') problems.push(`${where}: unknown block type`);
    const allowed = {
      header: ['type', 'text', 'block_id'],
      section: ['type', 'text', 'fields', 'block_id'],
      context: ['type', 'elements', 'block_id'],
      divider: ['type'],
    }[b.type as 'header'];
    for (const key of Object.keys(b)) if (allowed && !allowed.includes(key)) problems.push(`${where}: unknown field ${key}`);
  });
  return problems;
}

/** Every text a chat message shows, flattened, to look for a link or a word. */
const textsOf = (value: unknown): string =>
  typeof value === 'string' ? value : value && typeof value === 'object' ? Object.values(value).map(textsOf).join('\n') : '';

describe('subscriptions to a webhook, Slack, Teams or Discord', () => {
  it('sends each of the four formats, once confirmed, a test message and one correctly shaped message per update of a followed service', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    const receivers = Object.fromEntries(await Promise.all(CHANNELS.map(async (c) => [c, await startReceiver()] as const))) as Record<
      Channel,
      Awaited<ReturnType<typeof startReceiver>>
    >;
    for (const r of Object.values(receivers)) closers.push(r.close);

    const confirmations: Record<string, Awaited<ReturnType<typeof registerAndConfirm>>> = {};
    for (const channel of CHANNELS) {
      // Nothing is posted before the contact confirms.
      await t.request('POST', '/subscribe', {
        form: { channel, email: `${channel}-owner@example.com`, url: `${receivers[channel].url}/${channel}`, services: ['api'] },
      });
      const mail = (await t.deliver()).find((m) => m.to === `${channel}-owner@example.com`);
      expect(mail?.parsed.text).toContain(`Notices will be posted to`);
      expect(mail?.parsed.text).toContain(receivers[channel].url);
      expect(receivers[channel].received).toEqual([]);
      const confirmed = await t.request('POST', linkIn(mail?.parsed.text ?? '', '/subscribe/confirm/'));
      expect(confirmed.status).toBe(200);
      confirmations[channel] = { email: `${channel}-owner@example.com`, confirmation: mail as never, page: confirmed.text };
    }
    const secret = /signing secret, shown only now: (whsec_\S+)/.exec(confirmations.webhook?.page ?? '')?.[1];
    expect(secret).toBeDefined();

    await t.deliver();
    // The test message on confirmation, one per target.
    for (const channel of CHANNELS) expect(receivers[channel].received).toHaveLength(1);
    expect(receivers.webhook.received[0]?.headers['x-herald-event']).toBe('subscription.test');

    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P1' }) })).json.ref;
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate() });
    // An incident of a service they do not follow reaches none of them.
    await t.request('POST', '/api/admin/incidents', { json: makeIncident({ title: 'CDN slow', services: [{ slug: 'cdn', status: 'degraded_performance' }] }) });
    await t.deliver();
    for (const channel of CHANNELS) expect(receivers[channel].received, channel).toHaveLength(3);

    // Slack: valid Block Kit with the plain-text fallback, the manage link in the context.
    for (const { json } of receivers.slack.received) expect(blockKitProblems(json)).toEqual([]);
    const slack = receivers.slack.received[1]?.json;
    expect(slack.text).toContain(`[Investigating] Elevated API error rates (${ref})`);
    expect(slack.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: `[Investigating] Elevated API error rates (${ref})`, emoji: true } });
    expect(slack.blocks.at(-1).elements[0].text).toMatch(
      new RegExp(`<${PUBLIC_URL}/incidents/${ref}\\|Follow ${ref}> · <${PUBLIC_URL}/subscribe/manage/[^|]+\\|Manage or unsubscribe>`),
    );
    expect(receivers.slack.received[2]?.json.text).toContain(`[Mitigating] Elevated API error rates (${ref})`);

    // Teams: an Adaptive Card in the Workflows message envelope.
    for (const { json } of receivers.teams.received) {
      expect(json.type).toBe('message');
      expect(json.attachments).toHaveLength(1);
      expect(json.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(json.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
      expect(json.attachments[0].content.body.length).toBeGreaterThan(0);
      for (const element of json.attachments[0].content.body) expect(['TextBlock', 'FactSet']).toContain(element.type);
      expect(json.attachments[0].content.actions.map((a: { type: string; title: string }) => [a.type, a.title])).toContainEqual([
        'Action.OpenUrl',
        'Manage or unsubscribe',
      ]);
    }
    const card = receivers.teams.received[1]?.json.attachments[0].content;
    expect(card.body.map((e: { text?: string }) => e.text)).toContain(`[Investigating] Elevated API error rates (${ref})`);
    expect(card.body.find((e: { type: string }) => e.type === 'FactSet').facts).toContainEqual({
      title: 'Affected services',
      value: 'Public API: Partial outage',
    });
    expect(card.actions[0]).toEqual({ type: 'Action.OpenUrl', title: `Follow ${ref}`, url: `${PUBLIC_URL}/incidents/${ref}` });

    // Discord: one embed linking to the incident, with the manage link, and no pings.
    for (const { json } of receivers.discord.received) {
      expect(json.embeds).toHaveLength(1);
      expect(json.allowed_mentions).toEqual({ parse: [] });
      expect(json.embeds[0].title.length).toBeLessThanOrEqual(256);
      expect(textsOf(json.embeds[0].fields)).toMatch(new RegExp(`\\(${PUBLIC_URL}/subscribe/manage/[^)]+\\)`));
    }
    const embed = receivers.discord.received[1]?.json.embeds[0];
    expect(embed).toMatchObject({
      title: `[Investigating] Elevated API error rates (${ref})`,
      url: `${PUBLIC_URL}/incidents/${ref}`,
      color: expect.any(Number),
    });
    expect(embed.description).toBe('We are investigating elevated error rates on the API.');

    // Webhook: Herald's signed, Statuspage-shaped JSON with the subscriber's own links.
    for (const { headers, body } of receivers.webhook.received) {
      const [, ts, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['x-herald-signature'])) ?? [];
      expect(v1).toBe(
        createHmac('sha256', secret ?? '')
          .update(`${ts}.${body}`)
          .digest('hex'),
      );
    }
    const hook = receivers.webhook.received[1];
    expect(hook?.headers['x-herald-event']).toBe('incident.update');
    // The incident as it stands when delivered (as the admin's webhooks), naming the update each is about.
    expect(hook?.json.incident).toMatchObject({ id: ref, impact: 'major', shortlink: `${PUBLIC_URL}/incidents/${ref}` });
    const updateIds = receivers.webhook.received.slice(1).map((r) => r.json.incident.update_id);
    expect(updateIds).toEqual(
      [...(hook?.json.incident.incident_updates ?? [])]
        .reverse()
        .map((u: { id: string }) => u.id)
        .slice(0, 2),
    );
    expect(hook?.json.meta.unsubscribe).toMatch(new RegExp(`^${PUBLIC_URL}/unsubscribe/`));
    expect(hook?.json.meta.manage).toMatch(new RegExp(`^${PUBLIC_URL}/subscribe/manage/`));

    // The manage link in a message works.
    const manage = new URL(hook?.json.meta.manage).pathname;
    expect((await t.request('GET', manage)).status).toBe(200);

    // The admin sees them per channel.
    const list = (await t.request('GET', '/api/admin/subscribers')).json;
    for (const channel of CHANNELS) expect(list.channels[channel]).toMatchObject({ confirmed: 1, pending: 0 });
    expect(list.channels.email.confirmed).toBe(0);
    expect(list.subscribers.find((s: { channel: string }) => s.channel === 'slack')).toMatchObject({
      email: 'slack-owner@example.com',
      targetOrigin: receivers.slack.url,
      events: 'all',
      services: ['api'],
    });
  });

  it('posts to a target again only once it is confirmed, and no more once it is unsubscribed', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    const slack = await startReceiver();
    const teams = await startReceiver();
    closers.push(slack.close, teams.close);
    await t.request('POST', '/subscribe', { form: { channel: 'discord', email: 'never@example.com', url: `${slack.url}/unconfirmed` } });
    await registerAndConfirm('slack', `${slack.url}/slack`);
    await registerAndConfirm('teams', `${teams.url}/teams`);
    await t.deliver();
    await t.request('POST', '/api/admin/incidents', { json: makeIncident() });
    await t.deliver();
    expect(slack.received.map((r) => r.path)).toEqual(['/slack', '/slack']);

    // One click on the link in the Slack message.
    const manage = /<https:\/\/status\.example\.test(\/subscribe\/manage\/[^|]+)\|/.exec(slack.received[1]?.json.blocks.at(-1).elements[0].text)?.[1] ?? '';
    const unsubscribe = manage.replace('/subscribe/manage/', '/unsubscribe/');
    expect((await t.request('POST', unsubscribe, { form: { 'List-Unsubscribe': 'One-Click' } })).status).toBe(200);
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ title: 'Second' }) })).json.ref;
    await t.deliver();
    expect(slack.received).toHaveLength(2);
    expect(teams.received).toHaveLength(3);
    expect(teams.received[2]?.json.attachments[0].content.body[1].text).toContain(ref);
  });

  it('pauses a target that has failed for a day and mails its contact once', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    let failing = true;
    const discord = await startReceiver({ status: () => (failing ? 500 : 204) });
    closers.push(discord.close);
    const { email } = await registerAndConfirm('discord', `${discord.url}/api/webhooks/1/x`);
    await t.deliver(); // the test message fails: its first failure
    expect(discord.received).toHaveLength(1);
    const state = async () => (await t.request('GET', '/api/admin/subscribers?channel=discord')).json.subscribers[0];
    expect(await state()).toMatchObject({ state: 'confirmed', failingSince: '2026-03-10T12:00:00.000Z' });

    // Still failing 23 hours later: not a day yet.
    t.clock.advance(23 * 60 * 60_000);
    await t.request('POST', '/api/admin/incidents', { json: makeIncident() });
    await t.deliver();
    expect((await state()).state).toBe('confirmed');
    const tried = discord.received.length;
    expect(tried).toBeGreaterThanOrEqual(3);

    // A day and more since the first failure, and failing still: paused, the contact told once.
    t.clock.advance(2 * 60 * 60_000);
    const mailsBefore = t.smtp.mails.length;
    await t.deliver();
    await t.deliver();
    expect(await state()).toMatchObject({ state: 'paused', pausedAt: t.clock.now().toISOString() });
    const told = t.smtp.mails.slice(mailsBefore).filter((m) => m.to === email);
    expect(told.map((m) => m.parsed.subject)).toEqual(['Notices to your Discord target are paused']);
    expect(told[0]?.parsed.text).toContain('/subscribe/manage/');

    // Nothing more is posted or mailed, however long it stays paused and whatever happens.
    const posted = discord.received.length;
    await t.request('POST', '/api/admin/incidents', { json: makeIncident({ title: 'Another' }) });
    for (let i = 0; i < 3; i++) {
      t.clock.advance(6 * 60 * 60_000);
      await t.deliver();
    }
    expect(discord.received).toHaveLength(posted);
    expect(t.smtp.mails.slice(mailsBefore).filter((m) => m.to === email)).toHaveLength(1);
    expect((await t.request('GET', '/api/admin/subscribers')).json.channels.discord).toMatchObject({ paused: 1, confirmed: 0 });

    // Its owner fixes the receiver and resumes it from the mail's link: a test message, then notices again.
    failing = false;
    const manage = linkIn(told[0]?.parsed.text ?? '', '/subscribe/manage/');
    expect((await t.request('POST', manage, { form: { action: 'resume' } })).status).toBe(200);
    await t.deliver();
    expect(discord.received.at(-1)?.json.embeds[0].title).toBe('Subscribed to Example Cloud Status');
    expect(await state()).toMatchObject({ state: 'confirmed', failingSince: null });
  });

  it('gives subscribers who chose maintenance only no incident notices, and incidents only no maintenance', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    const slack = await startReceiver();
    closers.push(slack.close);
    await registerAndConfirm('slack', `${slack.url}/slack`, { events: 'maintenance' });
    await t.request('POST', '/subscribe', { form: { email: 'planner@example.com', events: 'maintenance' } });
    await t.request('POST', '/subscribe', { form: { email: 'oncall@example.com', events: 'incidents' } });
    for (const m of await t.deliver()) await t.request('POST', linkIn(m.parsed.text ?? '', '/subscribe/confirm/'));
    await subscribeAndConfirm(t, 'everything@example.com');
    await t.deliver();
    const testMessages = slack.received.length;

    await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P0' }) });
    const incidentMails = await t.deliver();
    expect(incidentMails.map((m) => m.to).sort()).toEqual(['everything@example.com', 'oncall@example.com']);
    expect(slack.received).toHaveLength(testMessages);

    await t.request('POST', '/api/admin/maintenance', { json: makeMaintenance() });
    const maintenanceMails = await t.deliver();
    expect(maintenanceMails.map((m) => m.to).sort()).toEqual(['everything@example.com', 'planner@example.com']);
    expect(slack.received).toHaveLength(testMessages + 1);
    expect(blockKitProblems(slack.received.at(-1)?.json)).toEqual([]);
    expect(slack.received.at(-1)?.json.text).toContain('[Scheduled] Database upgrade (MNT-');
  });

  it('mails a subscriber who asked for P0/P1 only no P2 or P3 incident, even one the comms lead announces', async () => {
    t = await makeSubscriberApp();
    await t.request('POST', '/subscribe', { form: { email: 'exec@example.com', majorOnly: 'on' } });
    for (const m of await t.deliver()) await t.request('POST', linkIn(m.parsed.text ?? '', '/subscribe/confirm/'));
    await subscribeAndConfirm(t, 'eng@example.com');
    await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P2', notify: true }) });
    expect((await t.deliver()).map((m) => m.to)).toEqual(['eng@example.com']);
    await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P1', title: 'Big one' }) });
    expect((await t.deliver()).map((m) => m.to).sort()).toEqual(['eng@example.com', 'exec@example.com']);
    expect((await t.request('GET', '/api/admin/subscribers?q=exec')).json.subscribers[0]).toMatchObject({ majorOnly: true, events: 'all' });
  });

  it('refuses a loopback or private target when it is registered, and checks it again at delivery', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: false } });
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const port = new URL(receiver.url).port;
    for (const url of [`${receiver.url}/plain-http`, `https://127.0.0.1:${port}/`, `https://localhost:${port}/`, 'https://10.0.0.1/hook']) {
      const refused = await t.request('POST', '/subscribe', { form: { channel: 'slack', email: 'ann@example.com', url } });
      expect(refused.status, url).toBe(400);
      expect(refused.json.error.fields[0].path).toBe('url');
    }
    expect((await t.request('POST', '/subscribe', { form: { channel: 'teams', email: 'ann@example.com' } })).status).toBe(400);
    expect((await t.request('GET', '/api/admin/subscribers')).json.subscribers).toEqual([]);

    // A public address passes registration; if the target later points inside (DNS rebinding,
    // or a row edited by hand), delivery refuses it.
    await t.request('POST', '/subscribe', { form: { channel: 'slack', email: 'ann@example.com', url: 'https://93.184.215.14/hook' } });
    await t.db.execute({ sql: `UPDATE subscribers SET target = ? WHERE channel = 'slack'`, args: [`https://127.0.0.1:${port}/hook`] });
    const mail = (await t.deliver())[0];
    await t.request('POST', linkIn(mail?.parsed.text ?? '', '/subscribe/confirm/'));
    await t.deliver();
    const { rows } = await t.db.execute(`SELECT state, last_error FROM outbox WHERE kind = 'subscriber-slack'`);
    expect(rows.map((r) => [r.state, String(r.last_error)])).toEqual([['failed', expect.stringContaining('127.0.0.1 is a loopback')]]);
    expect(receiver.received).toEqual([]);
  });
});
