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
