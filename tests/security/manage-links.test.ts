import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { linkIn, makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../support/subscribers.ts';

let t: SubscriberApp;
beforeEach(async () => {
  t = await makeSubscriberApp();
});
afterEach(async () => {
  await t.close();
});

const stateOf = async (email: string) => (await t.request('GET', `/api/admin/subscribers?q=${encodeURIComponent(email)}`)).json.subscribers[0]?.state;

/** Ann, confirmed, and the manage link from the incident mail she got. */
async function annWithOldMail(): Promise<{ manage: string; ref: string }> {
  await subscribeAndConfirm(t, 'ann@example.com');
  const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident() })).json.ref as string;
  const mail = (await t.deliver()).find((m) => m.to === 'ann@example.com');
  return { manage: linkIn(mail?.parsed.text ?? '', '/subscribe/manage/'), ref };
}

describe('an old manage link after unsubscribing', () => {
  it('does not resubscribe the address: it takes a fresh confirmation from the mailbox', async () => {
    const { manage, ref } = await annWithOldMail();
    expect((await t.request('POST', manage, { form: { action: 'unsubscribe' } })).status).toBe(200);
    expect(await stateOf('ann@example.com')).toBe('unsubscribed');

    const again = await t.request('POST', manage, { form: { action: 'resubscribe', services: ['api'] } });
    expect(again.status).toBe(200);
    expect(await stateOf('ann@example.com')).toBe('pending');
    // Nothing but a confirmation request reaches Ann until she follows it.
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate() });
    const mails = (await t.deliver()).filter((m) => m.to === 'ann@example.com');
    expect(mails.map((m) => m.parsed.subject)).toEqual(['Confirm your subscription to Example Cloud Status']);
  });

  it('stops working once the address subscribes again, while the new mails’ links work', async () => {
    const { manage } = await annWithOldMail();
    expect((await t.request('POST', manage, { form: { action: 'unsubscribe' } })).status).toBe(200);
    await subscribeAndConfirm(t, 'ann@example.com', ['api']);
    expect(await stateOf('ann@example.com')).toBe('confirmed');

    expect((await t.request('GET', manage)).status).toBe(404);
    expect((await t.request('POST', manage, { form: { action: 'save', services: ['billing'] } })).status).toBe(404);
    expect((await t.request('POST', manage.replace('/subscribe/manage/', '/unsubscribe/'), { form: { 'List-Unsubscribe': 'One-Click' } })).status).toBe(404);
    expect(await stateOf('ann@example.com')).toBe('confirmed');

    await t.request('POST', '/api/admin/incidents', { json: makeIncident() });
    const fresh = linkIn((await t.deliver()).find((m) => m.to === 'ann@example.com')?.parsed.text ?? '', '/subscribe/manage/');
    expect(fresh).not.toBe(manage);
    expect((await t.request('POST', fresh, { form: { action: 'save', services: ['billing'] } })).status).toBe(200);
  });

  it('still unsubscribes, idempotently, as long as the address stays unsubscribed', async () => {
    const { manage } = await annWithOldMail();
    const oneClick = manage.replace('/subscribe/manage/', '/unsubscribe/');
    for (let i = 0; i < 2; i++) expect((await t.request('POST', oneClick, { form: { 'List-Unsubscribe': 'One-Click' } })).status).toBe(200);
    expect(await stateOf('ann@example.com')).toBe('unsubscribed');
  });
});

describe('a manage link is checked before its form is read', () => {
  it('answers a forged link with 404 whatever the body, never a validation error about the body', async () => {
    const res = await t.request('POST', `/subscribe/manage/1.${'A'.repeat(43)}`, { form: { action: 'not-an-action' } });
    expect(res.status).toBe(404);
  });
});
