/**
 * A property of the whole mail pipeline (API → outbox → sender → templates → SMTP → a real
 * SMTP server): whatever text the comms lead types into an incident's title, message and
 * impact, and an admin into a service's name, each subscriber gets the notice exactly once,
 * showing that text as written in the plain-text part and escaped (or, for the markdown
 * message, rendered and sanitised) in the HTML part the same way the site does.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownToText, renderMarkdown } from '../../../api/platform/markdown.ts';
import { makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../../support/subscribers.ts';

const SUBSCRIBERS = ['ann@example.com', 'bob@example.com'];
/** Runs of the property (PROPERTY_RUNS to search longer); each posts one incident and mails it to every subscriber. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 20);

let t: SubscriberApp;
beforeAll(async () => {
  t = await makeSubscriberApp();
  for (const email of SUBSCRIBERS) await subscribeAndConfirm(t, email);
});
afterAll(async () => {
  await t.close();
});

/** Pieces that have broken mail pipelines: template syntax, markup, MIME and SMTP specials. */
const TRICKY = [
  '{{',
  '}}',
  '{{{',
  '}}}',
  '{{X}}',
  '{{title}}',
  '{{{messageHtml}}}',
  '{{manageUrl}}',
  '{{#impact}}',
  '{{/impact}}',
  '<b>',
  '</div>',
  '<script>alert(1)</script>',
  '&amp;',
  '&',
  '"',
  "'",
  '\n',
  '\r\n',
  '\t',
  '\n.\n',
  '.',
  '=?utf-8?q?x?=',
  '=20',
  'Subject: x',
  'From ',
  '--',
  '\u00a0',
  '\u200b',
  '\u202e',
  '\u2028',
  'é',
  'e\u0301',
  '日本語',
  '😀',
  '👩‍👩‍👧',
  '*',
  '_',
  '`',
  '#',
  '[a](b)',
  '> ',
];
/** Any text a person might type (or paste): tricky pieces mixed with arbitrary code points. */
const text = (maxLength: number) =>
  fc
    .string({
      unit: fc.oneof(
        fc.constantFrom(...TRICKY),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      ),
      maxLength,
    })
    // Controls other than tabs and line breaks, U+FFFE/U+FFFF and lone surrogates are refused by the API (tests/features/incidents/api.test.ts).
    .map((s) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').toWellFormed())
    // The API trims what it is given and refuses empty text (api/shared/schemas.ts).
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** What HTML-escaped text reads as: the five characters that mean something in markup, as entities. */
const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
/** Mail carries lines, not line-ending bytes: CRLF, CR and LF all arrive as LF. */
const lines = (s: string) => s.replace(/\r\n?/g, '\n');
let serial = 0;

describe('arbitrary text in an incident notice', () => {
  it(
    'reaches each subscriber exactly once and is shown as written',
    async () => {
      await fc.assert(
        fc.asyncProperty(text(60), text(200), text(80), text(40), async (title, message, impact, serviceName) => {
          const slug = `prop-${++serial}`;
          const service = await t.request('POST', '/api/admin/services', { json: { slug, name: serviceName } });
          expect(service.status).toBe(201);
          const created = await t.request('POST', '/api/admin/incidents', {
            // Any text at all, so some of it looks internal to the leak guard: this test is about delivery.
            json: { title, severity: 'P1', message, impact, services: [{ slug, status: 'major_outage' }], acknowledgeWarnings: true },
          });
          expect(created.status).toBe(201);
          const { ref } = created.json as { ref: string };
          const incidentId = Number(ref.slice('INC-'.length));
          const mails = (await t.deliver()).filter((m) => m.parsed.messageId?.startsWith(`<herald.inc${incidentId}.`));
          expect(mails.map((m) => m.to).sort()).toEqual(SUBSCRIBERS);

          for (const mail of mails) {
            const plain = lines(mail.parsed.text ?? '');
            expect(plain).toContain(`Example Cloud Status: ${lines(title)}\n`);
            expect(plain).toContain(`Impact: ${lines(impact)}\n`);
            expect(plain).toContain(`\n${lines(markdownToText(message))}\n`);
            expect(plain).toContain(`Affected services:\n- ${lines(serviceName)}: Major outage\n`);
            const html = lines(String(mail.parsed.html));
            expect(html).toContain(`>${lines(escaped(title))}</h1>`);
            expect(html).toContain(`<strong>Impact:</strong> ${lines(escaped(impact))}</p>`);
            expect(html).toContain(`<div style="margin:0 0 16px">${lines(renderMarkdown(message))}</div>`);
            expect(html).toContain(`<li>${lines(escaped(serviceName))}: Major outage</li>`);
          }
          // Sent once: long after any lease, nothing about this incident goes out again.
          t.clock.advance(60 * 60_000);
          expect((await t.deliver()).filter((m) => m.parsed.messageId?.startsWith(`<herald.inc${incidentId}.`))).toEqual([]);
          // Closed and cleared away, so later runs do not pile up open incidents and services.
          const resolved = await t.request('POST', `/api/admin/incidents/${ref}/updates`, {
            json: { status: 'resolved', message: 'Resolved.', notify: false },
          });
          expect(resolved.status).toBe(201);
          expect((await t.request('DELETE', `/api/admin/services/${slug}`)).status).toBe(204);
        }),
        { numRuns: RUNS },
      );
    },
    Math.max(60_000, RUNS * 3_000),
  );
});
