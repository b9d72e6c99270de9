/**
 * An address the relay refused for good (suppressed) is not lost for ever: an admin can restore
 * it, its owner can come back through the form with a fresh double opt-in, and an admin who
 * imports it again brings it back — while an address whose owner unsubscribed stays theirs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../api/features/audit/store.ts';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { linkIn, makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../../support/subscribers.ts';

let t: SubscriberApp;
afterEach(async () => {
  await t.close();
});

/** Ann, confirmed, whose mailbox the relay then refuses once (550 to RCPT TO) when an incident is declared. */
async function suppressedAnn() {
  t = await makeSubscriberApp();
  await subscribeAndConfirm(t, 'ann@example.com', ['billing']);
  t.smtp.failNext('ann@example.com', 550);
  const ref = (
    await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P1', services: [{ slug: 'billing', status: 'partial_outage' }] }) })
  ).json.ref as string;
  await t.deliver();
  const [ann] = (await t.request('GET', '/api/admin/subscribers?q=ann')).json.subscribers;
  expect(ann).toMatchObject({ state: 'suppressed', suppressedReason: expect.stringContaining('550') });
  return { id: ann.id as number, ref };
}

const ann = async () => (await t.request('GET', '/api/admin/subscribers?q=ann')).json.subscribers[0];

describe('restoring a suppressed address', () => {
  it('gives a subscriber who had confirmed their subscription back as it was, audited, and mails them the next notice', async () => {
    const { id, ref } = await suppressedAnn();
    const restored = await t.request('POST', `/api/admin/subscribers/${id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.json).toMatchObject({ id, email: 'ann@example.com', state: 'confirmed', services: ['billing'], suppressedReason: null });
    const [entry] = await listAudit(t.db, { ref: String(id) });
    expect(entry).toMatchObject({
      actor: 'env:HERALD_ADMIN_TOKEN',
      action: 'subscriber.restore',
      before: { state: 'suppressed', reason: expect.stringContaining('550') },
      after: { state: 'confirmed' },
    });
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate({ message: 'Payments are recovering.' }) });
    expect((await t.deliver()).map((m) => m.to)).toEqual(['ann@example.com']);
  });

  it('asks one who never confirmed to confirm afresh', async () => {
    t = await makeSubscriberApp();
    t.smtp.failNext('new@example.com', 550);
    await t.request('POST', '/subscribe', { form: { email: 'new@example.com' } });
    expect(await t.deliver()).toEqual([]);
    const [sub] = (await t.request('GET', '/api/admin/subscribers?q=new')).json.subscribers;
    expect(sub.state).toBe('suppressed');
    const restored = await t.request('POST', `/api/admin/subscribers/${sub.id}/restore`);
    expect(restored.json.state).toBe('pending');
    const [mail] = await t.deliver();
    expect(mail?.to).toBe('new@example.com');
    expect((await t.request('POST', linkIn(mail?.parsed.text ?? '', '/subscribe/confirm/'))).status).toBe(200);
  });

  it('answers 409 for an address that is not suppressed and 404 for none, in the one error shape', async () => {
    t = await makeSubscriberApp();
    await subscribeAndConfirm(t, 'bob@example.com');
    const [bob] = (await t.request('GET', '/api/admin/subscribers')).json.subscribers;
    const conflict = await t.request('POST', `/api/admin/subscribers/${bob.id}/restore`);
    expect(conflict.status).toBe(409);
    expect(conflict.json.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('bob@example.com is confirmed, not suppressed') });
    expect((await t.request('POST', '/api/admin/subscribers/999/restore')).status).toBe(404);
    expect((await t.request('POST', '/api/admin/subscribers/abc/restore')).status).toBe(404);
    expect((await t.request('POST', `/api/admin/subscribers/${bob.id}/restore`, { token: null })).status).toBe(401);
  });

  it('is documented in the OpenAPI document', async () => {
    t = await makeSubscriberApp();
    const doc = (await t.request('GET', '/api/openapi.json')).json;
    const restore = doc.paths['/api/admin/subscribers/{id}/restore'].post;
    expect(restore.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Subscriber' });
    expect(Object.keys(restore.responses)).toEqual(expect.arrayContaining(['401', '403', '404', '409']));
  });
});

describe('the owner of a suppressed address', () => {
  it('re-subscribes from the public form through a fresh double opt-in', async () => {
    await suppressedAnn();
    t.clock.advance(60 * 60_000); // an hour later, her mailbox fixed, she signs up again
    const signUp = await t.request('POST', '/subscribe', { form: { email: 'ann@example.com', services: ['api'] } });
    expect(signUp.status).toBe(200);
    const [confirm] = await t.deliver();
    expect(confirm?.to).toBe('ann@example.com');
    expect(confirm?.parsed.subject).toMatch(/confirm/i);
    expect((await ann()).state).toBe('pending');
    // Typed in again at once: no second mail to an address that bounced before.
    await t.request('POST', '/subscribe', { form: { email: 'ann@example.com', services: ['api'] } });
    expect(await t.deliver()).toEqual([]);
    expect((await t.request('POST', linkIn(confirm?.parsed.text ?? '', '/subscribe/confirm/'))).status).toBe(200);
    expect(await ann()).toMatchObject({ state: 'confirmed', services: ['api'], suppressedReason: null });
  });
});

describe('importing a suppressed address', () => {
  it('brings it back confirmed with the admin’s word of consent', async () => {
    await suppressedAnn();
    const withConsent = await t.request('POST', '/api/admin/subscribers/import', { json: { csv: 'email\nann@example.com\n', consent: true } });
    expect(withConsent.json).toEqual({ added: 1, confirmed: 1, pending: 0, skipped: 0 });
    expect(await ann()).toMatchObject({ state: 'confirmed', suppressedReason: null });
    expect(await t.deliver()).toEqual([]);
  });

  it('restores one who had confirmed, asks one who never had to confirm, and never brings back one who unsubscribed', async () => {
    await suppressedAnn();
    t.smtp.failNext('new@example.com', 550);
    await t.request('POST', '/subscribe', { form: { email: 'new@example.com' } });
    await t.deliver(); // the confirmation bounces: suppressed before ever confirming
    await subscribeAndConfirm(t, 'gone@example.com');
    const welcome = (await t.request('POST', '/subscribe', { form: { email: 'gone@example.com' } }), await t.deliver())[0];
    expect((await t.request('POST', linkIn(welcome?.parsed.text ?? '', '/subscribe/manage/'), { form: { action: 'unsubscribe' } })).status).toBe(200);
    const imported = await t.request('POST', '/api/admin/subscribers/import', { json: { csv: 'email\nann@example.com\nnew@example.com\ngone@example.com\n' } });
    expect(imported.json).toEqual({ added: 2, confirmed: 1, pending: 1, skipped: 1 });
    expect((await ann()).state).toBe('confirmed');
    expect((await t.deliver()).map((m) => [m.to, m.parsed.subject])).toEqual([['new@example.com', expect.stringMatching(/confirm/i)]]);
    expect((await t.request('GET', '/api/admin/subscribers?q=gone')).json.subscribers[0].state).toBe('unsubscribed');
  });
});
