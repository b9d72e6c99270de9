import { beforeEach, expect, it } from 'vitest';
import { makeIncident } from '../support/factories.ts';
import { makeDesk, textOf, type Desk } from '../support/desk.ts';

let d: Desk;
let s: { cookie: string; csrf: string };
beforeEach(async () => {
  d = await makeDesk({ start: '2026-03-10T12:00:00.000Z' });
  await d.addUser('comms@example.test', 'comms', 'Casey Comms');
  s = await d.signIn('comms@example.test');
});
const submit = (path: string, fields: Record<string, string>) => d.post(path, { _csrf: s.csrf, ...fields }, { cookie: s.cookie });
const declare = (message: string, extra: Record<string, string> = {}) =>
  submit('/admin/incidents/new', {
    title: 'Checkout failing',
    severity: 'P2',
    status: 'investigating',
    commander: 'Sam Lee',
    message,
    nextUpdateInMinutes: '30',
    notify: 'auto',
    intent: 'post',
    ...extra,
  });

it('shows each finding beside the message and offers to publish anyway; ticked, it publishes', async () => {
  const refused = await declare('We failed over db-prod-3 (P2). Sam Lee is on it.');
  expect(refused.status).toBe(400);
  const html = await refused.text();
  expect(html).toMatch(
    /<p class="field-error" id="f-message-error">Customers would read this: it looks like an internal host name &quot;db-prod-3&quot;; looks like an internal severity code &quot;P2&quot;; looks like the incident commander&#39;s name &quot;Sam Lee&quot;\.<\/p>/,
  );
  expect(html).toMatch(/<input id="f-acknowledgeWarnings" type="checkbox" name="acknowledgeWarnings" value="yes"/);
  expect(textOf(html)).toContain('Publish anyway: I have checked these words are fine for customers to read');
  expect((await d.call('GET', '/api/admin/incidents?state=all')).json.incidents).toEqual([]);

  const published = await declare('We failed over db-prod-3 (P2). Sam Lee is on it.', { acknowledgeWarnings: 'yes' });
  expect(published.status).toBe(303);
  expect((await d.call('GET', '/api/admin/incidents/INC-1')).json.updates[0].message).toBe('We failed over db-prod-3 (P2). Sam Lee is on it.');
});

it('offers no checkbox when the words are fine', async () => {
  const html = await (await d.get('/admin/incidents/new', s.cookie)).text();
  expect(html).not.toContain('acknowledgeWarnings');
  expect((await declare('Checkout fails for some customers.')).status).toBe(303);
});

it('guards updates, corrections and reopening from the desk alike', async () => {
  expect((await d.call('POST', '/api/admin/incidents', makeIncident())).status).toBe(201);
  const update = await submit('/admin/incidents/INC-1/updates', {
    mode: 'update',
    status: 'mitigating',
    message: 'Restarted web-3.',
    nextUpdateInMinutes: '30',
    intent: 'post',
  });
  expect(update.status).toBe(400);
  expect(await update.text()).toContain('id="f-acknowledgeWarnings"');
  const edit = await submit('/admin/incidents/INC-1/updates/1/edit', { message: 'Now at 10.0.0.9.', intent: 'post' });
  expect(edit.status).toBe(400);
  expect(await edit.text()).toContain('looks like a private IP address');
  expect((await submit('/admin/incidents/INC-1/updates/1/edit', { message: 'Now at 10.0.0.9.', acknowledgeWarnings: 'yes', intent: 'post' })).status).toBe(303);
  await d.call('POST', '/api/admin/incidents/INC-1/updates', { status: 'resolved', message: 'Fixed.' });
  const reopen = await submit('/admin/incidents/INC-1/reopen', { status: 'investigating', message: 'Back: ask ops@example.com.' });
  expect(reopen.status).toBe(400);
  expect(await reopen.text()).toContain('id="r-acknowledgeWarnings"');
  expect(
    (await submit('/admin/incidents/INC-1/reopen', { status: 'investigating', message: 'Back: ask ops@example.com.', acknowledgeWarnings: 'yes' })).status,
  ).toBe(303);
});

/** The warnings a page shows: each field's error paragraph and the "publish anyway" checkbox. */
const warningsIn = (html: string) =>
  [...html.matchAll(/<p class="field-error" id="[^"]+">[^<]*<\/p>|<input id="[^"]*acknowledgeWarnings"[^>]*>/g)].map((m) => m[0]);

it('warns in the preview, before anything is published, exactly as it does on save', async () => {
  const message = 'We failed over db-prod-3 (P2). Sam Lee is on it.';
  const preview = await declare(message, { intent: 'preview' });
  expect(preview.status).toBe(200);
  const previewHtml = await preview.text();
  expect(previewHtml).toContain('id="preview-heading"');
  expect((await d.call('GET', '/api/admin/incidents?state=all')).json.incidents).toEqual([]);
  const saved = await (await declare(message)).text();
  expect(warningsIn(saved).length).toBeGreaterThan(1);
  expect(warningsIn(previewHtml)).toEqual(warningsIn(saved));
  // Acknowledged, the preview has nothing more to say.
  expect(warningsIn(await (await declare(message, { intent: 'preview', acknowledgeWarnings: 'yes' })).text())).toEqual([]);
  expect(warningsIn(await (await declare('Checkout fails for some customers.', { intent: 'preview' })).text())).toEqual([]);
});

it('warns in the preview of an update and of a correction as on posting them', async () => {
  expect((await d.call('POST', '/api/admin/incidents', makeIncident())).status).toBe(201);
  const update = { mode: 'update', status: 'mitigating', message: 'Restarted web-3.', nextUpdateInMinutes: '30' };
  const previewed = await submit('/admin/incidents/INC-1/updates', { ...update, intent: 'preview' });
  expect(previewed.status).toBe(200);
  const posted = await submit('/admin/incidents/INC-1/updates', { ...update, intent: 'post' });
  expect(warningsIn(await previewed.text())).toEqual(warningsIn(await posted.text()));
  expect((await d.call('GET', '/api/admin/incidents/INC-1')).json.updates).toHaveLength(1);

  const edit = { message: 'Now at 10.0.0.9.' };
  const editPreview = await submit('/admin/incidents/INC-1/updates/1/edit', { ...edit, intent: 'preview' });
  expect(editPreview.status).toBe(200);
  const editSaved = await submit('/admin/incidents/INC-1/updates/1/edit', { ...edit, intent: 'post' });
  const shown = warningsIn(await editPreview.text());
  expect(shown.join(' ')).toContain('looks like a private IP address');
  expect(shown).toEqual(warningsIn(await editSaved.text()));
});

it('gives the live preview the warnings posting would show, field by field', async () => {
  const res = await submit('/admin/preview', {
    title: 'Checkout failing',
    commander: 'Sam Lee',
    message: 'Sam Lee restarted db-prod-3.',
    impact: 'Ask ops@example.com.',
  });
  expect(res.status).toBe(200);
  const out = (await res.json()) as { warnings: Record<string, string> };
  expect(out.warnings.message).toBe(
    'Customers would read this: it looks like an internal host name "db-prod-3"; looks like the incident commander\'s name "Sam Lee".',
  );
  expect(out.warnings.impact).toBe('Customers would read this: it looks like an email address "ops@example.com".');
  expect(out.warnings.title).toBeUndefined();
});
