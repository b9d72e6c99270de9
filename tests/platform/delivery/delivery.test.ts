import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../../support/subscribers.ts';

let t: SubscriberApp;
beforeEach(async () => {
  t = await makeSubscriberApp();
});
afterEach(async () => {
  await t.close();
});

const subjects = (mails: { to: string; parsed: { subject?: string | undefined } }[], to: string) =>
  mails.filter((m) => m.to === to).map((m) => m.parsed.subject);

describe('who gets what', () => {
  it('notifies P2/P3 updates only when the comms lead ticks notify, and P1 unless told not to', async () => {
    await subscribeAndConfirm(t, 'ann@example.com');
    const p2 = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P2', title: 'Slow search' }) })).json.ref;
    await t.request('POST', `/api/admin/incidents/${p2}/updates`, { json: makeUpdate({ notify: true, message: 'Worse than we thought.' }) });
    const p1 = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P1', title: 'API down', notify: false }) })).json.ref;
    await t.request('POST', `/api/admin/incidents/${p1}/updates`, { json: makeUpdate() });
    expect(subjects(await t.deliver(), 'ann@example.com')).toEqual([`[Mitigating] Slow search (${p2})`, `[Mitigating] API down (${p1})`]);
  });

  it('sends a subscriber of some services only the incidents that touch them', async () => {
    await subscribeAndConfirm(t, 'billing@example.com', ['billing']);
    await subscribeAndConfirm(t, 'all@example.com');
    const api = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ title: 'API errors' }) })).json.ref;
    const billing = (
      await t.request('POST', '/api/admin/incidents', {
        json: makeIncident({ title: 'Invoices late', services: [{ slug: 'billing', status: 'degraded_performance' }] }),
      })
    ).json.ref;
    const mails = await t.deliver();
    expect(subjects(mails, 'billing@example.com')).toEqual([`[Investigating] Invoices late (${billing})`]);
    expect(subjects(mails, 'all@example.com')).toEqual([`[Investigating] API errors (${api})`, `[Investigating] Invoices late (${billing})`]);
  });

  it('never sends an edit of an earlier update as a new notice', async () => {
    await subscribeAndConfirm(t, 'ann@example.com');
    const incident = (await t.request('POST', '/api/admin/incidents', { json: makeIncident() })).json;
    await t.deliver();
    await t.request('PATCH', `/api/admin/incidents/${incident.ref}/updates/${incident.updates[0].id}`, { json: { message: 'Corrected.' } });
    expect(await t.deliver()).toEqual([]);
  });
});

describe('delivery that loses nothing', () => {
  it('retries a 4xx with backoff and delivers once the server accepts, recording each attempt', async () => {
    await subscribeAndConfirm(t, 'ann@example.com');
    t.smtp.failNext('ann@example.com', 451, 421);
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident() })).json.ref;
    expect(await t.deliver()).toEqual([]);
    expect((await t.request('GET', `/api/admin/incidents/${ref}/deliveries`)).json.updates[0]).toMatchObject({ retrying: 1, sent: 0 });
    t.clock.advance(29_000);
    expect(await t.deliver()).toEqual([]);
    t.clock.advance(2_000);
    expect(await t.deliver()).toEqual([]); // the second failure (421); next try a minute later
    t.clock.advance(61_000);
    expect(subjects(await t.deliver(), 'ann@example.com')).toHaveLength(1);
    expect((await t.request('GET', `/api/admin/incidents/${ref}/deliveries`)).json.updates[0]).toMatchObject({ retrying: 0, sent: 1, failed: 0 });
    const { rows } = await t.db.execute(`SELECT outcome FROM delivery_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.kind = 'incident' ORDER BY a.id`);
    expect(rows.map((r) => r.outcome)).toEqual(['retry', 'retry', 'sent']);
  });

  it('treats a 5xx as a hard failure and stops mailing the address', async () => {
    await subscribeAndConfirm(t, 'gone@example.com');
    t.smtp.failNext('gone@example.com', 550);
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident() })).json.ref;
    await t.deliver();
    expect((await t.request('GET', `/api/admin/incidents/${ref}/deliveries`)).json.updates[0]).toMatchObject({ failed: 1 });
    const [subscriber] = (await t.request('GET', '/api/admin/subscribers?q=gone')).json.subscribers;
    expect(subscriber).toMatchObject({ state: 'suppressed', suppressedReason: expect.stringContaining('550') });
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate() });
    expect(await t.deliver()).toEqual([]);
  });

  it('gives up on a notice still failing 72 hours after it was queued', async () => {
    await subscribeAndConfirm(t, 'slow@example.com');
    t.smtp.failNext('slow@example.com', ...Array(200).fill(451));
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident() })).json.ref;
    for (let hours = 0; hours < 74; hours++) {
      await t.deliver();
      t.clock.advance(60 * 60_000);
    }
    expect((await t.request('GET', `/api/admin/incidents/${ref}/deliveries`)).json.updates[0]).toMatchObject({ failed: 1, retrying: 0 });
    expect((await t.request('GET', '/api/admin/subscribers?q=slow')).json.subscribers[0].state).toBe('confirmed');
  });

  it('claims each row once even when two senders run side by side', async () => {
    for (const name of ['a', 'b', 'c', 'd']) await subscribeAndConfirm(t, `${name}@example.com`);
    await t.request('POST', '/api/admin/incidents', { json: makeIncident() });
    const { createDeliveryQueue } = await import('../../../api/platform/delivery/queue.ts');
    const { noticeLanes } = await import('../../../api/features/notices/index.ts');
    const lanes = noticeLanes({ db: t.db, clock: t.clock, mailer: t.mailer, compose: t.compose });
    const make = () => createDeliveryQueue({ db: t.db, clock: t.clock, lanes, batchSize: 1, log: { info() {}, warn() {}, error() {} } });
    const before = t.smtp.count();
    await Promise.all([make().drain(), make().drain(), make().drain()]);
    expect(t.smtp.count() - before).toBe(4);
    expect(new Set(t.smtp.mails.slice(before).map((m) => m.to)).size).toBe(4);
  });
});
