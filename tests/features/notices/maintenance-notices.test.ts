import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeMaintenance } from '../../support/factories.ts';
import { PUBLIC_URL } from '../../support/app.ts';
import { makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../../support/subscribers.ts';

let t: SubscriberApp;
beforeEach(async () => {
  t = await makeSubscriberApp(); // clock at 2026-03-10T12:00Z; the factory's window is 22:00–00:00
});
afterEach(async () => {
  await t.close();
});

const subjects = (mails: { to: string; parsed: { subject?: string | undefined } }[], to: string) =>
  mails.filter((m) => m.to === to).map((m) => m.parsed.subject);

const job = () => t.herald.maintenance;

describe('maintenance notices', () => {
  it('mails subscribers when a window is scheduled, started and completed, once each', async () => {
    await subscribeAndConfirm(t, 'ann@example.com');
    const { ref } = (await t.request('POST', '/api/admin/maintenance', { json: makeMaintenance() })).json;
    const scheduled = await t.deliver();
    expect(subjects(scheduled, 'ann@example.com')).toEqual([`[Scheduled] Database upgrade (${ref})`]);
    const mail = scheduled.find((m) => m.to === 'ann@example.com')!;
    expect(mail.parsed.text).toContain('Planned maintenance');
    expect(mail.parsed.text).toContain('planned from 2026-03-10 22:00 UTC to 2026-03-11 00:00 UTC');
    expect(mail.parsed.text).toContain(`Follow this maintenance window: ${PUBLIC_URL}/maintenance/${ref}`);
    expect(mail.parsed.text).not.toContain('incident');
    t.clock.set('2026-03-10T22:00:00.000Z');
    await job().tick();
    t.clock.set('2026-03-11T00:00:00.000Z');
    await job().tick();
    await job().tick();
    expect(subjects(await t.deliver(), 'ann@example.com')).toEqual([`[In progress] Database upgrade (${ref})`, `[Completed] Database upgrade (${ref})`]);
  });

  it('mails only subscribers of an affected service', async () => {
    await subscribeAndConfirm(t, 'billing@example.com', ['billing']);
    await subscribeAndConfirm(t, 'api@example.com', ['api']);
    await t.request('POST', '/api/admin/maintenance', { json: makeMaintenance({ services: ['api'] }) });
    const mails = await t.deliver();
    expect(subjects(mails, 'api@example.com')).toHaveLength(1);
    expect(subjects(mails, 'billing@example.com')).toEqual([]);
  });

  it('sends nothing for a window scheduled with notify false, nor when it starts', async () => {
    await subscribeAndConfirm(t, 'ann@example.com');
    await t.request('POST', '/api/admin/maintenance', { json: makeMaintenance({ notify: false }) });
    t.clock.set('2026-03-10T22:00:00.000Z');
    await job().tick();
    expect(subjects(await t.deliver(), 'ann@example.com')).toEqual([]);
  });

  it('lets an update opt out on its own', async () => {
    await subscribeAndConfirm(t, 'ann@example.com');
    const { ref } = (await t.request('POST', '/api/admin/maintenance', { json: makeMaintenance() })).json;
    await t.deliver();
    await t.request('POST', `/api/admin/maintenance/${ref}/updates`, { json: { message: 'Small wording fix.', notify: false } });
    await t.request('POST', `/api/admin/maintenance/${ref}/updates`, { json: { message: 'Moved the start up.', status: 'in_progress' } });
    expect(subjects(await t.deliver(), 'ann@example.com')).toEqual([`[In progress] Database upgrade (${ref})`]);
  });
});
