import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { makeMaintenance } from '../../support/factories.ts';
import { startWebhookSink } from '../../support/sinks.ts';
import { makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../../support/subscribers.ts';

type Sink = Awaited<ReturnType<typeof startWebhookSink>>;
let t: SubscriberApp;
const sinks: Sink[] = [];
afterEach(async () => {
  await t.close();
  for (const s of sinks.splice(0)) await s.close();
});
const sink = async () => {
  const s = await startWebhookSink();
  sinks.push(s);
  return s;
};

/**
 * Schedules the factory's window (22:00–00:00), extends it, starts it by the clock, ends it
 * early; a second one is called off. The sender delivers after each step, as it would.
 */
async function lifeOfAWindow() {
  const steps = [
    () => t.request('POST', '/api/admin/maintenance', { json: makeMaintenance() }),
    () => t.request('POST', '/api/admin/maintenance/MNT-1/extend', { json: { scheduledUntil: '2026-03-11T01:00:00.000Z' } }),
    () => (t.clock.set('2026-03-10T22:00:00.000Z'), t.herald.maintenance.tick()),
    () =>
      t.request('POST', '/api/admin/maintenance/MNT-1/updates', { json: { status: 'completed', message: 'Finished early; everything is back to normal.' } }),
    () =>
      t.request('POST', '/api/admin/maintenance', {
        json: makeMaintenance({
          title: 'Cache resize',
          services: ['cdn'],
          scheduledFor: '2026-03-12T10:00:00.000Z',
          scheduledUntil: '2026-03-12T11:00:00.000Z',
        }),
      }),
    () => t.request('POST', '/api/admin/maintenance/MNT-2/updates', { json: { status: 'completed', message: 'We no longer need this work.', notify: false } }),
  ];
  for (const step of steps) {
    await step();
    await t.deliver();
  }
}

describe('maintenance to webhooks and Slack', () => {
  it('posts every entry to each webhook, Statuspage-shaped and signed, named by what it did', async () => {
    const receiver = await sink();
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    const hook = (await t.request('POST', '/api/admin/webhooks', { json: { url: receiver.url } })).json;
    await lifeOfAWindow();
    expect(receiver.bodies.map((b) => b.headers['x-herald-event'])).toEqual([
      'maintenance.scheduled',
      'maintenance.extended',
      'maintenance.started',
      'maintenance.ended',
      'maintenance.scheduled',
      'maintenance.cancelled',
    ]);
    for (const b of receiver.bodies) {
      const [, ts, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(b.headers['x-herald-signature'])) ?? [];
      expect(v1).toBe(createHmac('sha256', hook.secret).update(`${ts}.${b.raw}`).digest('hex'));
    }
    const extended = receiver.bodies[1].json;
    expect(extended.page).toEqual({
      id: 'herald',
      url: 'https://status.example.test',
      status_indicator: 'none',
      status_description: 'All Systems Operational',
    });
    // While the window runs, the page says so; its services are the components of components.json.
    const started = receiver.bodies[2].json;
    expect(started.page).toMatchObject({ status_indicator: 'maintenance', status_description: 'Service Under Maintenance' });
    const listed = JSON.parse(t.snapshot.get('/api/v2/components.json')?.body.toString() ?? '{}').components as Record<string, unknown>[];
    for (const component of started.incident.components) {
      const same = listed.find((c) => c.id === component.id) as Record<string, unknown>;
      expect(Object.keys(component).sort()).toEqual(Object.keys(same).sort());
      // All but its status then (under maintenance) and its last change is as components.json has it now.
      expect({ ...component, status: same.status, updated_at: same.updated_at }).toEqual(same);
      expect(component.status).toBe('under_maintenance');
    }
    expect(extended.incident).toMatchObject({
      id: 'MNT-1',
      name: 'Database upgrade',
      status: 'scheduled',
      impact: 'maintenance',
      scheduled_for: '2026-03-10T22:00:00.000Z',
      scheduled_until: '2026-03-11T01:00:00.000Z',
      shortlink: 'https://status.example.test/maintenance/MNT-1',
      event: 'extended',
    });
    expect(extended.incident.incident_updates.map((u: { status: string }) => u.status)).toEqual(['scheduled', 'scheduled']);
    expect(receiver.bodies[3].json.incident).toMatchObject({ status: 'completed', event: 'ended', resolved_at: '2026-03-10T22:00:00.000Z' });
  });

  it('posts every entry to Slack in customer words, mrkdwn with real line breaks, notified or not', async () => {
    const slack = await sink();
    t = await makeSubscriberApp({ hooks: { allowLocal: true, slackWebhookUrl: slack.url } });
    await lifeOfAWindow();
    expect(slack.bodies.every((b) => b.json.mrkdwn === true)).toBe(true);
    const texts = slack.bodies.map((b) => b.json.text as string);
    expect(texts.map((x) => x.split('\n')[0])).toEqual([
      '🛠️ *Maintenance scheduled: Database upgrade*',
      '🛠️ *Maintenance extended: Database upgrade*',
      '🛠️ *Maintenance started: Database upgrade*',
      '🛠️ *Maintenance completed: Database upgrade*',
      '🛠️ *Maintenance scheduled: Cache resize*',
      '🛠️ *Maintenance cancelled: Cache resize*',
    ]);
    expect(texts[1]).toBe(
      [
        '🛠️ *Maintenance extended: Database upgrade*',
        'When: 2026-03-10 22:00 UTC to 2026-03-11 01:00 UTC',
        'Services: Public API, Database',
        '',
        'The maintenance window has been extended; it is now planned to end at 2026-03-11 01:00 UTC.',
        '<https://status.example.test/maintenance/MNT-1|Open MNT-1> · Database upgrade',
      ].join('\n'),
    );
    expect(texts.join('\n')).not.toMatch(/P[0-3]\b|IC:|Severity/);
  });

  it('escapes what Slack would read as a link or a mention', async () => {
    const slack = await sink();
    t = await makeSubscriberApp({ hooks: { allowLocal: true, slackWebhookUrl: slack.url } });
    await t.request('POST', '/api/admin/maintenance', {
      json: makeMaintenance({ title: 'Upgrade <!channel> & co', message: 'See <https://evil.example|here>.' }),
    });
    await t.deliver();
    const text = slack.bodies[0].json.text as string;
    expect(text).toContain('Upgrade &lt;!channel&gt; &amp; co');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.example');
  });

  it('mails subscribers what each entry did, and only for notified entries', async () => {
    await sink();
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    await subscribeAndConfirm(t, 'ann@example.com');
    await t.request('POST', '/api/admin/maintenance', {
      json: makeMaintenance({ title: 'Cache resize', scheduledFor: '2026-03-12T10:00:00.000Z', scheduledUntil: '2026-03-12T11:00:00.000Z' }),
    });
    await t.request('POST', '/api/admin/maintenance/MNT-1/extend', { json: { scheduledUntil: '2026-03-12T12:00:00.000Z' } });
    await t.request('POST', '/api/admin/maintenance/MNT-1/updates', { json: { message: 'No change, just checking in.', notify: false } });
    const mails = (await t.deliver()).filter((m) => m.to === 'ann@example.com');
    // Each mail says what happened: an extension does not read "[Scheduled]".
    expect(mails.map((m) => m.parsed.subject)).toEqual(['[Scheduled] Cache resize (MNT-1)', '[Extended] Cache resize (MNT-1)']);
    expect(mails[1]?.parsed.text).toContain('planned from 2026-03-12 10:00 UTC to 2026-03-12 12:00 UTC');
  });

  it('tells subscribers a window called off is cancelled, not completed', async () => {
    await sink();
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    await subscribeAndConfirm(t, 'ann@example.com');
    await t.request('POST', '/api/admin/maintenance', { json: makeMaintenance({ notify: false }) });
    await t.request('POST', '/api/admin/maintenance/MNT-1/updates', { json: { status: 'completed', message: 'We no longer need this work.', notify: true } });
    const mails = (await t.deliver()).filter((m) => m.to === 'ann@example.com');
    expect(mails.map((m) => m.parsed.subject)).toEqual(['[Cancelled] Database upgrade (MNT-1)']);
  });
});
