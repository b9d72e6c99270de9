/**
 * What the comms lead writes (titles, messages, impact statements, service names) is data:
 * it is shown as written in every mail and never read as a template, whatever braces it holds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PUBLIC_URL } from '../../support/app.ts';
import { makeIncident } from '../../support/factories.ts';
import { makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../../support/subscribers.ts';
import type { ReceivedMail } from '../../support/sinks.ts';

let t: SubscriberApp;
beforeEach(async () => {
  t = await makeSubscriberApp();
});
afterEach(async () => {
  await t.close();
});

const BRACES = 'Try {{X}}, {{title}}, {{{messageHtml}}} and {{#siteTitle}}this{{/siteTitle}}; your link: {{manageUrl}}';
const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('text with template braces in it', () => {
  it('delivers an update whose message holds {{X}} once to each subscriber, and every other notice of the same batch once', async () => {
    for (const email of ['ann@example.com', 'bob@example.com']) await subscribeAndConfirm(t, email);
    const calm = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ title: 'Calm incident' }) })).json.ref;
    const odd = (
      await t.request('POST', '/api/admin/incidents', {
        json: makeIncident({ title: 'Odd {{X}} incident', message: BRACES, impact: 'Impact {{X}}', acknowledgeWarnings: true }),
      })
    ).json.ref;

    const mails = await t.deliver();
    for (const email of ['ann@example.com', 'bob@example.com']) {
      const mine = mails.filter((m) => m.to === email);
      expect(mine.map((m) => m.parsed.subject).sort()).toEqual([`[Investigating] Calm incident (${calm})`, `[Investigating] Odd {{X}} incident (${odd})`]);
      const oddMail = mine.find((m) => m.parsed.subject?.includes(odd)) as ReceivedMail;
      expect(oddMail.parsed.text).toContain(`Example Cloud Status: Odd {{X}} incident\n`);
      expect(oddMail.parsed.text).toContain(`Impact: Impact {{X}}\n`);
      expect(oddMail.parsed.text).toContain(BRACES);
      expect(oddMail.parsed.html).toContain('<p>Try {{X}}, {{title}}, {{{messageHtml}}} and {{#siteTitle}}this{{/siteTitle}}; your link: {{manageUrl}}</p>');
      expect(oddMail.parsed.html).toContain('Odd {{X}} incident</h1>');
      // The subscriber's secret manage link is in the footer, once, and nowhere in the message.
      expect(occurrences(oddMail.parsed.text ?? '', `${PUBLIC_URL}/subscribe/manage/`)).toBe(1);
      expect(occurrences(oddMail.parsed.html as string, `${PUBLIC_URL}/subscribe/manage/`)).toBe(1);
    }
    expect(mails).toHaveLength(4);

    // Every row was recorded as sent: long after any lease, nothing is sent again.
    t.clock.advance(60 * 60_000);
    expect(await t.deliver()).toEqual([]);
    for (const ref of [calm, odd]) {
      expect((await t.request('GET', `/api/admin/incidents/${ref}/deliveries`)).json.updates[0]).toMatchObject({ sent: 2, retrying: 0, failed: 0, queued: 0 });
    }
  });

  it('lists a service whose name holds template braces and markup as written, escaped in the HTML part', async () => {
    await subscribeAndConfirm(t, 'ann@example.com');
    const name = 'API {{title}} {{{messageHtml}}} <b>&';
    expect((await t.request('PATCH', '/api/admin/services/api', { json: { name } })).status).toBe(200);
    const ref = (await t.request('POST', '/api/admin/incidents', { json: makeIncident({ title: 'Named oddly' }) })).json.ref;

    const [mail] = await t.deliver();
    expect(mail?.parsed.subject).toBe(`[Investigating] Named oddly (${ref})`);
    expect(mail?.parsed.text).toContain(`Affected services:\n- ${name}: Partial outage\n`);
    expect(mail?.parsed.html).toContain('<li>API {{title}} {{{messageHtml}}} &lt;b&gt;&amp;: Partial outage</li>');
  });

  it('never puts a subscriber’s manage or unsubscribe link where a message names it', async () => {
    await subscribeAndConfirm(t, 'ann@example.com');
    await t.request('POST', '/api/admin/incidents', { json: makeIncident({ message: 'Manage at {{manageUrl}} or leave at {{unsubscribeUrl}}.' }) });
    const [mail] = await t.deliver();
    expect(mail?.parsed.text).toContain('Manage at {{manageUrl}} or leave at {{unsubscribeUrl}}.');
    expect(mail?.parsed.html).toContain('<p>Manage at {{manageUrl}} or leave at {{unsubscribeUrl}}.</p>');
    for (const part of [mail?.parsed.text ?? '', mail?.parsed.html as string]) {
      expect(occurrences(part, `${PUBLIC_URL}/subscribe/manage/`)).toBe(1);
      expect(occurrences(part, `${PUBLIC_URL}/unsubscribe/`)).toBe(1);
    }
  });
});
