/**
 * Leases on outbox rows: a live sender keeps its claim for as long as it works on a row (a
 * heartbeat renews it), and a sender starting on the machine of an embedded database takes
 * over at once what a process that is gone had claimed.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createHookDelivery } from '../../../api/features/webhooks/deliver.ts';
import { claimDue } from '../../../api/platform/delivery/outbox.ts';
import { newOwnerId } from '../../../api/platform/delivery/owners.ts';
import { createDeliveryQueue } from '../../../api/platform/delivery/queue.ts';
import { noticeLanes } from '../../../api/features/notices/index.ts';
import { PUBLIC_URL } from '../../support/app.ts';
import { makeIncident } from '../../support/factories.ts';
import { startSlowReceiver } from '../../support/sinks.ts';
import { makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../../support/subscribers.ts';

const silent = { info() {}, warn() {}, error() {} };
let t: SubscriberApp;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await t.close();
});

/** The id of a process that ran on this machine and has exited. */
const goneProcessId = () =>
  new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(child.pid as number));
  });

describe('outbox leases', () => {
  it('takes over at start the notices that a process of this machine claimed and did not live to send', async () => {
    t = await makeSubscriberApp();
    await subscribeAndConfirm(t, 'ann@example.com');
    await subscribeAndConfirm(t, 'bob@example.com');
    await t.request('POST', '/api/admin/incidents', { json: makeIncident() });
    const now = t.clock.now();
    const until = new Date(now.getTime() + 60 * 60_000);
    // Ann's notice was claimed by a process that has exited, Bob's by one that still runs (this one).
    const [annRow] = await claimDue(t.db, newOwnerId(await goneProcessId()), ['incident'], now, until, 1);
    const [bobRow] = await claimDue(t.db, newOwnerId(process.pid), ['incident'], now, until, 1);
    expect([annRow, bobRow].every(Boolean)).toBe(true);
    expect(await t.deliver()).toEqual([]);

    const before = t.smtp.count();
    const stop = t.sender.start();
    try {
      await t.smtp.waitFor(before + 1, 20_000);
    } finally {
      await stop();
    }
    expect(t.smtp.mails.slice(before).map((m) => m.to)).toEqual(['ann@example.com']);
    const { rows } = await t.db.execute({ sql: 'SELECT state, lease_until FROM outbox WHERE id = ?', args: [bobRow?.id ?? 0] });
    expect(rows[0]).toMatchObject({ state: 'queued', lease_until: until.toISOString() });
  });

  it('keeps a live sender’s claim while it delivers, however much longer than a lease that takes', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    const receiver = await startSlowReceiver(1500);
    closers.push(receiver.close);
    const { url } = receiver;
    expect((await t.request('POST', '/api/admin/webhooks', { json: { url } })).status).toBe(201);
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P3' }) })).json.ref;

    // Time runs here, from the test app's start, so leases run out.
    const start = Date.now();
    const clock = { now: () => new Date(t.clock.now().getTime() + Date.now() - start) };
    const deliverHook = createHookDelivery({ db: t.db, publicUrl: PUBLIC_URL, slackWebhookUrl: undefined, allowLocal: true, now: () => clock.now() });
    const lanes = noticeLanes({ db: t.db, clock, mailer: t.mailer, compose: t.compose, deliverHook });
    const make = () => createDeliveryQueue({ db: t.db, clock, lanes, log: silent, leaseMs: 300 });
    const first = make().runOnce();
    await expect.poll(() => receiver.requests()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await make().drain()).toBe(0);
    expect(await first).toBe(1);
    expect(receiver.requests()).toBe(1);
    expect((await t.request('GET', `/api/admin/incidents/${ref}/deliveries`)).json.updates[0]).toMatchObject({ sent: 1, queued: 0, retrying: 0 });
  });
});
