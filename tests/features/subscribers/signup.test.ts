import { afterEach, describe, expect, it } from 'vitest';
import { createUnconfirmedPurge } from '../../../api/features/subscribers/index.ts';
import { makeIncident } from '../../support/factories.ts';
import { linkIn, makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../../support/subscribers.ts';
import { listAudit } from '../../../api/features/audit/store.ts';

let t: SubscriberApp;
afterEach(async () => {
  await t.close();
});

describe('signing up', () => {
  it('answers bad input with a 400 naming the field', async () => {
    t = await makeSubscriberApp();
    const bad = await t.request('POST', '/subscribe', { form: { email: 'not-an-address' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'validation_failed', fields: [{ path: 'email' }] });
    const unknown = await t.request('POST', '/subscribe', { form: { email: 'ann@example.com', services: ['api', 'nope'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain('nope');
    expect((await t.request('GET', '/api/admin/subscribers')).json.counts.pending).toBe(0);
  });

  it('thanks a bot that fills in the honeypot and stores nothing', async () => {
    t = await makeSubscriberApp();
    const human = await t.request('POST', '/subscribe', { form: { email: 'ann@example.com', website: '' } });
    const bot = await t.request('POST', '/subscribe', { form: { email: 'bot@example.com', website: 'http://spam.example' } });
    expect([bot.status, bot.text]).toEqual([human.status, human.text]);
    expect((await t.request('GET', '/api/admin/subscribers')).json.subscribers.map((s: { email: string }) => s.email)).toEqual(['ann@example.com']);
  });

  it('throttles sign-ups per client address: 10 in 10 minutes, as shipped', async () => {
    t = await makeSubscriberApp({ throttle: 'default' });
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await t.request('POST', '/subscribe', { form: { email: `x${i}@example.com` } })).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    t.clock.advance(10 * 60_000 + 1);
    expect((await t.request('POST', '/subscribe', { form: { email: 'later@example.com' } })).status).toBe(200);
  });

  it('sends a confirmed address its manage link instead of changing its choices, at most once per 10 minutes', async () => {
    t = await makeSubscriberApp();
    await subscribeAndConfirm(t, 'ann@example.com', ['billing']);
    await t.request('POST', '/subscribe', { form: { email: 'ann@example.com', services: ['api'] } });
    await t.request('POST', '/subscribe', { form: { email: 'ANN@example.com' } });
    const mails = await t.deliver();
    expect(mails.map((m) => m.parsed.subject)).toEqual(['You already follow Example Cloud Status']);
    const manage = linkIn(mails[0]?.parsed.text ?? '', '/subscribe/manage/');
    expect((await t.request('GET', '/api/admin/subscribers')).json.subscribers[0].services).toEqual(['billing']);
    // The manage link lets the owner change services.
    expect((await t.request('POST', manage, { form: { action: 'save', services: ['api', 'auth'] } })).status).toBe(200);
    expect((await t.request('GET', '/api/admin/subscribers')).json.subscribers[0].services).toEqual(['api', 'auth']);
  });

  it('forgets an address left unconfirmed for 7 days', async () => {
    t = await makeSubscriberApp();
    await t.request('POST', '/subscribe', { form: { email: 'late@example.com' } });
    await subscribeAndConfirm(t, 'kept@example.com');
    t.clock.advance(7 * 24 * 60 * 60_000 + 60_000);
    const job = createUnconfirmedPurge({ db: t.db, clock: t.clock, log: { info() {}, warn() {}, error() {} } });
    const stop = job.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await stop();
    const list = (await t.request('GET', '/api/admin/subscribers')).json;
    expect(list.subscribers.map((s: { email: string }) => s.email)).toEqual(['kept@example.com']);
  });
});

describe('the admin’s subscribers', () => {
  it('counts by state, searches, exports CSV, and removes', async () => {
    t = await makeSubscriberApp();
    await subscribeAndConfirm(t, 'ann@example.com', ['api']);
    await t.request('POST', '/subscribe', { form: { email: 'bob@example.org' } });
    const list = (await t.request('GET', '/api/admin/subscribers?q=example.org')).json;
    expect(list.counts).toEqual({ pending: 1, confirmed: 1, unsubscribed: 0, suppressed: 0, paused: 0 });
    expect(list.subscribers.map((s: { email: string }) => s.email)).toEqual(['bob@example.org']);
    expect((await t.request('GET', '/api/admin/subscribers?state=nope')).status).toBe(400);

    const csv = await t.request('GET', '/api/admin/subscribers/export.csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(
      csv.text
        .split('\r\n')
        .slice(0, 3)
        .map((l) => l.split(',').slice(0, 3).join(',')),
    ).toEqual(['email,state,services', 'bob@example.org,pending,', 'ann@example.com,confirmed,api']);

    const id = list.subscribers[0].id;
    expect((await t.request('DELETE', `/api/admin/subscribers/${id}`)).status).toBe(204);
    expect((await t.request('DELETE', `/api/admin/subscribers/${id}`)).status).toBe(404);
    const audit = await listAudit(t.db, { entity: 'subscriber' });
    expect(audit.map((a) => a.action)).toEqual(['subscriber.delete']);
    expect(audit[0]).toMatchObject({ actor: 'env:HERALD_ADMIN_TOKEN', ref: String(id) });
    expect(await t.deliver()).toEqual([]); // bob's queued confirmation went with him
    expect((await t.request('GET', '/api/admin/subscribers', { token: null })).status).toBe(401);
  });

  it('imports CSV keeping double opt-in unless the admin states consent', async () => {
    t = await makeSubscriberApp();
    const asked = await t.request('POST', '/api/admin/subscribers/import', {
      json: { csv: 'email,services\r\nann@example.com,api billing\r\nbob@example.com,\r\n' },
    });
    expect(asked.status).toBe(201);
    expect(asked.json).toEqual({ added: 2, confirmed: 0, pending: 2, skipped: 0 });
    const consented = await t.request('POST', '/api/admin/subscribers/import', { json: { csv: 'email\nann@example.com\ncat@example.com\n', consent: true } });
    expect(consented.json).toEqual({ added: 1, confirmed: 1, pending: 0, skipped: 1 });
    const bad = await t.request('POST', '/api/admin/subscribers/import', { json: { csv: 'email\nok@example.com\nnope\n' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields).toEqual([{ path: 'csv.line 3', message: '"nope" is not an email address' }]);

    await t.request('POST', '/api/admin/incidents', { json: makeIncident() });
    const mails = await t.deliver();
    expect(
      mails
        .filter((m) => m.parsed.subject?.startsWith('Confirm'))
        .map((m) => m.to)
        .sort(),
    ).toEqual(['ann@example.com', 'bob@example.com']);
    expect(mails.filter((m) => m.parsed.subject?.startsWith('[Investigating]')).map((m) => m.to)).toEqual(['cat@example.com']);
  });
});
