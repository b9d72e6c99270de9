import { beforeEach, expect, it } from 'vitest';
import { makeIncident } from '../support/factories.ts';
import { makeDesk, textOf, type Desk } from '../support/desk.ts';

let d: Desk;
let s: { cookie: string; csrf: string };
beforeEach(async () => {
  d = await makeDesk({ start: '2026-03-10T12:00:00.000Z' });
  await d.addUser('support@example.test', 'support', 'Sasha Support');
  s = await d.signIn('support@example.test');
  expect((await d.call('POST', '/api/admin/incidents', makeIncident())).status).toBe(201);
});
const link = (fields: Record<string, string>) => d.post('/admin/incidents/INC-1/tickets', { _csrf: s.csrf, ...fields }, { cookie: s.cookie });

it('lets support staff link a ticket from the incident page, and the dashboard counts it', async () => {
  const page = await (await d.get('/admin/incidents/INC-1', s.cookie)).text();
  expect(page).toContain('action="/admin/incidents/INC-1/tickets"');
  expect(page).not.toContain('action="/admin/incidents/INC-1/updates"'); // support still cannot publish
  const res = await link({ system: 'Linear', id: 'SUP-77', url: 'https://linear.app/acme/issue/SUP-77' });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/admin/incidents/INC-1?done=ticket#tickets');
  const after = textOf(await (await d.get('/admin/incidents/INC-1', s.cookie)).text());
  expect(after).toContain('Linked tickets (1)');
  expect(after).toContain('Linear SUP-77 — linked by user:support@example.test');
  const dashboard = await (await d.get('/admin', s.cookie)).text();
  expect(dashboard).toContain('<th scope="col">Tickets</th>');
  expect(dashboard).toMatch(/INC-1: Elevated API error rates<\/a><\/td>(?:\s*<td>[^<]*<\/td>){4}\s*<td>1<\/td>/);
});

it('names a bad field beside it and keeps what was typed', async () => {
  const res = await link({ system: 'Jira', id: 'OPS-1', url: 'not a link' });
  expect(res.status).toBe(400);
  const html = await res.text();
  expect(html).toContain('id="t-url-error"');
  expect(html).toContain('value="OPS-1"');
  expect((await d.call('GET', '/api/admin/incidents/INC-1/tickets')).json.tickets).toEqual([]);
});
