/**
 * The wall clock steps (NTP correcting a drifted machine, a VM resumed after a pause, someone
 * running `date -s`). Herald's times are wall times, but its timers count monotonic time and
 * its leases compare wall times: a step must neither leave a passed deadline unannounced nor
 * make every sender's lease look run out, so that a second sender delivers notices twice.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { noticeLanes } from '../../api/features/notices/index.ts';
import { createHookDelivery } from '../../api/features/webhooks/deliver.ts';
import { jumpableClock, manualClock, watchClock } from '../../api/platform/clock.ts';
import { createDeliveryQueue } from '../../api/platform/delivery/queue.ts';
import { loadAstroRenderer } from '../../api/site/astro-renderer.ts';
import { makeTestApp, PUBLIC_URL } from '../support/app.ts';
import { makeIncident } from '../support/factories.ts';
import { ROOT } from '../support/server.ts';
import { startSlowReceiver } from '../support/sinks.ts';
import { makeSubscriberApp, type SubscriberApp } from '../support/subscribers.ts';

const silent = { info() {}, warn() {}, error() {} };
const HOUR = 60 * 60_000;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('a watch on the wall clock', () => {
  it('sees a step of the wall clock that the monotonic clock did not take, forward or back', () => {
    const wall = manualClock('2026-03-10T12:00:00.000Z');
    let mono = 0;
    const watch = watchClock(wall, { monotonic: () => mono });
    wall.advance(1_000);
    mono += 1_000;
    expect(watch.check()).toBeNull();
    wall.advance(HOUR + 1_000);
    mono += 1_000;
    expect(watch.check()).toMatchObject({ byMs: HOUR });
    expect(watch.jumpedForwardWithin(10_000)).toBe(true);
    mono += 10_000;
    wall.advance(10_000);
    expect(watch.jumpedForwardWithin(10_000)).toBe(false);
    wall.advance(-HOUR);
    mono += 1_000;
    expect(watch.check()).toMatchObject({ byMs: -HOUR - 1_000 });
    expect(watch.jumpedForwardWithin(2_000)).toBe(false);
  });
});

describe('when the wall clock jumps forward', () => {
  let t: SubscriberApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a second sender leaves alone the notices a live sender is delivering, though their lease looks run out', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    const app = t;
    const receiver = await startSlowReceiver(1500);
    closers.push(receiver.close);
    const { url } = receiver;
    expect((await app.request('POST', '/api/admin/webhooks', { json: { url } })).status).toBe(201);
    const ref = (await app.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P3' }) })).json.ref;

    // One machine's wall clock, running from the test app's time, which both senders read.
    const machine = jumpableClock();
    const start = machine.now().getTime();
    const clock = { now: () => new Date(app.clock.now().getTime() + machine.now().getTime() - start) };
    const deliverHook = createHookDelivery({ db: app.db, publicUrl: PUBLIC_URL, slackWebhookUrl: undefined, allowLocal: true, now: () => clock.now() });
    const lanes = noticeLanes({ db: app.db, clock, mailer: app.mailer, compose: app.compose, deliverHook });
    // Two senders, as two processes on one database would run them; the lease is the default's 15 s.
    const [first, second] = [1, 2].map(() => createDeliveryQueue({ db: app.db, clock, lanes, log: silent }));
    const delivering = first!.runOnce();
    await expect.poll(() => receiver.requests()).toBe(1);
    machine.jump(HOUR);
    expect(await second!.drain()).toBe(0);
    expect(await delivering).toBe(1);
    expect(receiver.requests()).toBe(1);
    expect((await app.request('GET', `/api/admin/incidents/${ref}/deliveries`)).json.updates[0]).toMatchObject({ sent: 1, queued: 0, retrying: 0 });
  });

  it('an incident whose next update became due with the jump says so on its page within seconds', async () => {
    const renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
    const machine = jumpableClock();
    const clock = Object.assign(machine, { advance: machine.jump, set: () => expect.unreachable('the machine clock is not set') });
    const app = await makeTestApp({ renderPage, clock });
    const stop = app.herald.startJobs();
    closers.push(stop);
    const ref = (await app.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P2' }))).json.ref;
    const page = async () => (await app.app.request(`/incidents/${ref}`)).text();
    expect(await page()).not.toContain('class="overdue"');
    // Thirty-one minutes pass in an instant on the wall clock; the deadline's timer counts monotonic time.
    machine.jump(31 * 60_000);
    await expect.poll(page, { timeout: 8_000, interval: 250 }).toContain('class="overdue"');
  });
});
