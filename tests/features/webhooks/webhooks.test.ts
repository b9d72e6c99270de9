import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { makeSubscriberApp, type SubscriberApp } from '../../support/subscribers.ts';
import { listAudit } from '../../../api/features/audit/store.ts';
import { insertWebhook } from '../../../api/features/webhooks/store.ts';
import { startReceiver as startServer, type Received } from '../../support/receivers.ts';

/** A receiver answering each request with the next status in `statuses` (then 200). */
const startReceiver = (statuses: number[] = [], redirectTo?: string) => startServer({ statuses, ...(redirectTo ? { redirectTo } : {}) });

let t: SubscriberApp;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await t.close();
  for (const close of closers.splice(0)) await close();
});

describe('webhooks and Slack', () => {
  it('posts every update as Statuspage-shaped JSON with a verifiable HMAC-SHA256 signature, retrying a 5xx', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    const receiver = await startReceiver([503]);
    closers.push(receiver.close);
    const hook = (await t.request('POST', '/api/admin/webhooks', { json: { url: `${receiver.url}/hook` } })).json;
    expect(hook.secret).toMatch(/^whsec_/);
    expect((await listAudit(t.db, { entity: 'webhook' }))[0]).toMatchObject({ action: 'webhook.create', ref: String(hook.id) });
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P3' }) })).json.ref;
    await t.deliver();
    expect((await t.request('GET', `/api/admin/incidents/${ref}/deliveries`)).json.updates[0]).toMatchObject({ retrying: 1 });
    t.clock.advance(31_000);
    await t.deliver();
    expect(receiver.received).toHaveLength(2);
    const { headers, body } = receiver.received[1] as Received;
    const [, ts, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['x-herald-signature'])) ?? [];
    expect(v1).toBe(createHmac('sha256', hook.secret).update(`${ts}.${body}`).digest('hex'));
    const payload = JSON.parse(body);
    expect(payload.incident).toMatchObject({ id: ref, status: 'investigating', impact: 'none', shortlink: `https://status.example.test/incidents/${ref}` });
    expect(payload.incident.incident_updates[0].body).toBe('We are investigating elevated error rates on the API.');
  });

  it('tells webhooks of a service status set outside an incident, as a signed Statuspage component update', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const hook = (await t.request('POST', '/api/admin/webhooks', { json: { url: `${receiver.url}/hook` } })).json;
    expect((await t.request('PATCH', '/api/admin/services/cdn', { json: { status: 'under_maintenance' } })).status).toBe(200);
    expect((await t.request('PATCH', '/api/admin/services/cdn', { json: { name: 'CDN' } })).status).toBe(200);
    await t.deliver();
    expect(receiver.received).toHaveLength(1);
    const { headers, body } = receiver.received[0] as Received;
    expect(headers['x-herald-event']).toBe('component.update');
    const [, ts, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['x-herald-signature'])) ?? [];
    expect(v1).toBe(createHmac('sha256', hook.secret).update(`${ts}.${body}`).digest('hex'));
    expect(JSON.parse(body)).toMatchObject({
      component_update: { old_status: 'operational', new_status: 'under_maintenance', component_id: 'cdn' },
      component: { id: 'cdn', status: 'under_maintenance' },
    });
  });

  it('carries the page’s status, and the components and update ids the public JSON gives, in every webhook', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    const receiver = await startReceiver();
    closers.push(receiver.close);
    await t.request('POST', '/api/admin/webhooks', { json: { url: `${receiver.url}/hook` } });
    const created = t.clock.now().toISOString();
    t.clock.advance(3_600_000);
    expect((await t.request('PATCH', '/api/admin/services/cdn', { json: { status: 'degraded_performance' } })).status).toBe(200);
    const ref = (
      await t.request('POST', '/api/admin/incidents', {
        json: makeIncident({
          severity: 'P1',
          services: [
            { slug: 'api', status: 'partial_outage' },
            { slug: 'cdn', status: 'degraded_performance' },
          ],
        }),
      })
    ).json.ref;
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate() });
    await t.deliver();
    const json = (path: string) => JSON.parse(t.snapshot.get(path)?.body.toString() ?? '{}');
    const listed = json('/api/v2/components.json').components as { id: string }[];
    const published = (json('/api/v2/incidents.json').incidents as { id: string }[]).find((i) => i.id === ref) as Record<string, any>;
    const bodies = receiver.received.map((r) => ({ event: r.headers['x-herald-event'], json: JSON.parse(r.body) }));
    const updates = bodies.filter((b) => b.event === 'incident.update').map((b) => b.json);
    expect(updates).toHaveLength(2);
    const latest = updates[1];
    expect(latest.page).toEqual({ id: 'herald', url: 'https://status.example.test', status_indicator: 'major', status_description: 'Partial System Outage' });
    expect(json('/api/v2/status.json').status).toEqual({ indicator: latest.page.status_indicator, description: latest.page.status_description });
    // The same component objects as components.json and incidents.json.
    expect(latest.incident.components).toEqual(published.components);
    expect(latest.incident.components).toEqual(['api', 'cdn'].map((id) => listed.find((c) => c.id === id)));
    // One id per update: the webhook's are the JSON's.
    expect(latest.incident.incident_updates.map((u: { id: string }) => u.id)).toEqual(published.incident_updates.map((u: { id: string }) => u.id));
    expect(updates.map((u) => u.incident.update_id)).toEqual([...published.incident_updates].reverse().map((u: { id: string }) => u.id));
    expect(latest.incident.update_id).toMatch(new RegExp(`^${ref}-\\d+$`));
    // A component update names the component as components.json does, created when it was created.
    const change = bodies.find((b) => b.event === 'component.update')?.json;
    const cdn = listed.find((c) => c.id === 'cdn') as Record<string, unknown>;
    expect(Object.keys(change.component).sort()).toEqual(Object.keys(cdn).sort());
    expect(change.component).toMatchObject({
      id: 'cdn',
      status: 'degraded_performance',
      created_at: created,
      start_date: created.slice(0, 10),
      position: cdn.position,
      group_id: cdn.group_id,
    });
    expect(change.page).toMatchObject({ status_indicator: 'major' });
  });

  it('refuses loopback and private targets unless local targets are allowed, when registered and again at delivery, after DNS', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: false } });
    const receiver = await startReceiver();
    closers.push(receiver.close);
    expect((await t.request('POST', '/api/admin/webhooks', { json: { url: `${receiver.url}/plain-http` } })).status).toBe(400);
    const port = new URL(receiver.url).port;
    const targets = [`https://127.0.0.1:${port}/`, `https://localhost:${port}/`, `https://[::ffff:127.0.0.1]:${port}/`, `https://10.0.0.1/`];
    for (const url of targets) {
      expect((await t.request('POST', '/api/admin/webhooks', { json: { url } })).status).toBe(400);
    }
    // Registered before registration checked, or a name that resolved elsewhere then (DNS
    // rebinding): delivery checks again.
    for (const url of targets) await insertWebhook(t.db, url, 'whsec_test_secret_0123456789', t.clock.now());
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident() })).json.ref;
    await t.deliver();
    expect((await t.request('GET', `/api/admin/incidents/${ref}/deliveries`)).json.updates[0]).toMatchObject({ failed: 4, sent: 0 });
    const { rows } = await t.db.execute(`SELECT last_error FROM outbox WHERE kind = 'webhook' ORDER BY id`);
    expect(rows.map((r) => String(r.last_error))).toEqual([
      expect.stringContaining('127.0.0.1 is a loopback'),
      expect.stringContaining('localhost resolves to'),
      expect.stringContaining('loopback'),
      expect.stringContaining('10.0.0.1 is a loopback, private'),
    ]);
    expect(receiver.received).toEqual([]);
  });

  it('does not follow a redirect to a local address', async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: true } });
    const target = await startReceiver();
    closers.push(target.close);
    const { guardedPost } = await import('../../../api/platform/delivery/http-post.ts');
    const hop = await startReceiver([], `${target.url}/inside`);
    closers.push(hop.close);
    // Allowed locally, the redirect is followed…
    expect((await guardedPost(`${hop.url}/redirect`, '{}', {}, { allowLocal: true })).status).toBe(200);
    expect(target.received.map((r) => r.path)).toEqual(['/inside']);
    // …and the same hop to a private address is refused when it is not.
    await expect(guardedPost('https://10.0.0.1/redirect', '{}', {}, { allowLocal: false })).rejects.toThrow(/private/);
  });

  it("posts every update to Slack as the plan's template, with the IC line, real line breaks and its link, notified or not", async () => {
    const slack = await startReceiver();
    closers.push(slack.close);
    t = await makeSubscriberApp({ hooks: { allowLocal: true, slackWebhookUrl: `${slack.url}/services/T/B/X` } });
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P3', message: 'Some API calls fail.\n\nWe are on it.' }) }))
      .json.ref;
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate() });
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate({ status: 'resolved', rootCause: 'A full disk.' }) });
    await t.deliver();
    const bodies = slack.received.map((r) => JSON.parse(r.body));
    expect(bodies.every((b) => b.mrkdwn === true)).toBe(true);
    const [declared, updated, resolved] = bodies.map((b) => b.text as string);
    expect(declared).toBe(
      `🚨 *INCIDENT DECLARED: Public API - Elevated API error rates*\nSeverity: P3\nImpact: Some API requests fail.\nIC: Sam Lee\nStatus: Investigating\n\nSome API calls fail.\nWe are on it.\n<https://status.example.test/incidents/${ref}|Open ${ref}> · Elevated API error rates`,
    );
    expect(updated).toMatch(
      /^📊 \*STATUS UPDATE - \d\d:\d\d UTC\*\nCurrent Status: Mitigating\nActions Taken: A fix is being rolled out\.\nNext Steps: next update by \d\d:\d\d UTC\nETA: not yet known\n</,
    );
    expect(resolved).toMatch(/^✅ \*INCIDENT RESOLVED: Public API\*\nDuration: .+\nRoot Cause: A full disk\.\nPostmortem: none planned \(P3\)\n/);
  });

  it('dates a time in the Slack message that falls on another day than the update', async () => {
    const slack = await startReceiver();
    closers.push(slack.close);
    t = await makeSubscriberApp({ hooks: { allowLocal: true, slackWebhookUrl: `${slack.url}/services/T/B/X` } });
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P3' }) })).json.ref;
    // The test clock reads 12:00 on 10 Mar 2026: an ETA two days on is not "14:00 UTC" but its date too.
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate({ eta: '2026-03-12T14:00:00.000Z', nextUpdateInMinutes: 30 }) });
    await t.deliver();
    const text = JSON.parse(slack.received.at(-1)?.body ?? '{}').text as string;
    expect(text).toContain('ETA: 12 Mar 2026 14:00 UTC');
    expect(text).toMatch(/next update by \d\d:\d\d UTC\n/);
  });
});
