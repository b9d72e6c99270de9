import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { PUBLIC_URL } from '../../support/app.ts';
import { linkIn, makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../../support/subscribers.ts';
import type { ReceivedMail } from '../../support/sinks.ts';

const header = (mail: ReceivedMail, name: string): string => {
  const line = mail.parsed.headerLines.find((h) => h.key === name.toLowerCase());
  return line
    ? line.line
        .slice(line.line.indexOf(':') + 1)
        .replace(/\r?\n\s+/g, ' ')
        .trim()
    : '';
};
/** The https URL in a mail's List-Unsubscribe header, as a path. */
const oneClickPath = (mail: ReceivedMail): string => {
  const url = /<(https:[^>]+)>/.exec(header(mail, 'List-Unsubscribe'))?.[1];
  if (!url) throw new Error(`no https List-Unsubscribe in ${header(mail, 'List-Unsubscribe')}`);
  return url.slice(PUBLIC_URL.length);
};

let t: SubscriberApp;
beforeEach(async () => {
  t = await makeSubscriberApp();
});
afterEach(async () => {
  await t.close();
});

describe('email subscriptions, end to end through a real SMTP server', () => {
  it('delivers the create, update and resolve mails of a P1 to a confirmed subscriber, each with both RFC 8058 headers', async () => {
    await subscribeAndConfirm(t, 'ann@example.com');
    const created = await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P1', message: 'We see **errors** on the API.' }) });
    expect(created.status).toBe(201);
    const ref = created.json.ref as string;
    expect((await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate({ status: 'mitigating' }) })).status).toBe(201);
    expect((await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate({ status: 'resolved', message: 'Fixed.' }) })).status).toBe(201);

    const mails = (await t.deliver()).filter((m) => m.to === 'ann@example.com');
    expect(mails.map((m) => m.parsed.subject)).toEqual([
      `[Investigating] Elevated API error rates (${ref})`,
      `[Mitigating] Elevated API error rates (${ref})`,
      `[Resolved] Elevated API error rates (${ref})`,
    ]);
    for (const mail of mails) {
      const listUnsubscribe = header(mail, 'List-Unsubscribe');
      expect(listUnsubscribe).toMatch(
        new RegExp(`^<${PUBLIC_URL}/unsubscribe/\\d+\\.[\\w-]{43}>, <mailto:status@status\\.example\\.test\\?subject=unsubscribe%20\\d+\\.[\\w-]{43}>$`),
      );
      expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(mail.parsed.text).toContain(`Follow the incident: ${PUBLIC_URL}/incidents/${ref}`);
      expect(mail.parsed.text).toContain('Affected services:\n- Public API');
      expect(mail.parsed.html).toContain(`href="${PUBLIC_URL}/subscribe/manage/`);
    }
    expect(mails[0]?.parsed.html).toContain('We see <strong>errors</strong> on the API.');
    expect(mails[0]?.parsed.text).toContain('Impact: Some API requests fail.');
    expect(mails[0]?.parsed.text).toMatch(/Next update by 2026-03-10 12:30 UTC\./);
    const ids = mails.map((m) => m.parsed.messageId);
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toMatch(/^<herald\.inc\d+\.u\d+\.s\d+@status\.example\.test>$/);
  });

  it('unsubscribes with the one-click POST (no cookie, no redirect), idempotently, and sends nothing more', async () => {
    await subscribeAndConfirm(t, 'ann@example.com');
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident() })).json.ref;
    const [mail] = (await t.deliver()).filter((m) => m.to === 'ann@example.com');
    const path = oneClickPath(mail as ReceivedMail);

    for (let i = 0; i < 2; i++) {
      const answer = await t.request('POST', path, { form: { 'List-Unsubscribe': 'One-Click' } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('set-cookie')).toBeNull();
      expect(answer.headers.get('location')).toBeNull();
    }
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate() });
    expect((await t.deliver()).filter((m) => m.to === 'ann@example.com')).toEqual([]);
    expect((await t.request('GET', '/api/admin/subscribers?q=ann')).json.subscribers[0].state).toBe('unsubscribed');
  });

  it('shows a page with a button on GET of the unsubscribe URL and changes nothing', async () => {
    await subscribeAndConfirm(t, 'ann@example.com');
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident() })).json.ref;
    const [mail] = await t.deliver();
    const page = await t.request('GET', oneClickPath(mail as ReceivedMail));
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    await t.request('POST', `/api/admin/incidents/${ref}/updates`, { json: makeUpdate() });
    expect((await t.deliver()).filter((m) => m.to === 'ann@example.com')).toHaveLength(1);
  });

  it('does nothing for a forged token or for another subscriber’s token', async () => {
    await subscribeAndConfirm(t, 'ann@example.com');
    await subscribeAndConfirm(t, 'bob@example.com');
    await t.request('POST', '/api/admin/incidents', { json: makeIncident() });
    const mails = await t.deliver();
    const ann = oneClickPath(mails.find((m) => m.to === 'ann@example.com') as ReceivedMail);
    const bob = oneClickPath(mails.find((m) => m.to === 'bob@example.com') as ReceivedMail);
    const [annId, annMac] = ann.split('/').pop()!.split('.') as [string, string];
    const [, bobMac] = bob.split('/').pop()!.split('.') as [string, string];
    const forged = `/unsubscribe/${annId}.${annMac.slice(0, -1)}${annMac.endsWith('A') ? 'B' : 'A'}`;
    const borrowed = `/unsubscribe/${annId}.${bobMac}`;
    for (const path of [forged, borrowed, `/unsubscribe/${annId}`, '/unsubscribe/x', `/subscribe/manage/${annId}.${bobMac}`]) {
      expect((await t.request('POST', path, { form: { 'List-Unsubscribe': 'One-Click' } })).status).toBe(404);
    }
    const list = (await t.request('GET', '/api/admin/subscribers')).json;
    expect(list.counts).toMatchObject({ confirmed: 2, unsubscribed: 0 });
    // Bob's own link unsubscribes Bob, and only Bob.
    expect((await t.request('POST', bob, { form: { 'List-Unsubscribe': 'One-Click' } })).status).toBe(200);
    expect((await t.request('GET', '/api/admin/subscribers')).json.counts).toMatchObject({ confirmed: 1, unsubscribed: 1 });
  });

  it('sends no incident mail to an address that has not confirmed', async () => {
    await t.request('POST', '/subscribe', { form: { email: 'carl@example.com' } });
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ severity: 'P0' }) })).json.ref;
    const mails = (await t.deliver()).filter((m) => m.to === 'carl@example.com');
    expect(mails.map((m) => m.parsed.subject)).toEqual(['Confirm your subscription to Example Cloud Status']);
    // Not even queued: the only subscriber is pending.
    expect((await t.request('GET', `/api/admin/incidents/${ref}/deliveries`)).json).toEqual({ updates: [] });
  });

  it('answers a new, pending, confirmed and unsubscribed address with the same status and body', async () => {
    await subscribeAndConfirm(t, 'confirmed@example.com');
    await t.request('POST', '/subscribe', { form: { email: 'pending@example.com' } });
    await subscribeAndConfirm(t, 'gone@example.com');
    await t.request('POST', '/api/admin/incidents', { json: makeIncident() });
    const gone = (await t.deliver()).find((m) => m.to === 'gone@example.com') as ReceivedMail;
    await t.request('POST', oneClickPath(gone));

    const answers = await Promise.all(
      ['new@example.com', 'pending@example.com', 'confirmed@example.com', 'gone@example.com'].map((email) =>
        t.request('POST', '/subscribe', { form: { email } }),
      ),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(new Set(answers.map((a) => [...a.headers.entries()].filter(([k]) => k !== 'x-request-id').join(';'))).size).toBe(1);
  });

  it('makes the confirmation link single-use and valid for 24 hours', async () => {
    await t.request('POST', '/subscribe', { form: { email: 'dee@example.com' } });
    const first = linkIn((await t.deliver())[0]?.parsed.text ?? '', '/subscribe/confirm/');
    expect((await t.request('GET', first)).status).toBe(200);
    expect((await t.request('POST', first)).status).toBe(200);
    expect((await t.request('POST', first)).status).toBe(404);

    t.clock.advance(11 * 60_000);
    await t.request('POST', '/subscribe', { form: { email: 'eve@example.com' } });
    const late = linkIn((await t.deliver())[0]?.parsed.text ?? '', '/subscribe/confirm/');
    t.clock.advance(24 * 60 * 60_000 + 1000);
    expect((await t.request('POST', late)).status).toBe(404);
    expect((await t.request('GET', '/api/admin/subscribers?q=eve')).json.subscribers[0].state).toBe('pending');
  });
});
