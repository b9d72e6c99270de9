import { beforeEach, expect, it } from 'vitest';
import { makeIncident, makeMaintenance } from '../support/factories.ts';
import { makeDesk, type Desk } from '../support/desk.ts';

let d: Desk;
let cookie: string;
beforeEach(async () => {
  d = await makeDesk({ start: '2026-03-10T12:00:00.000Z' });
  await d.addUser('support@example.test', 'support');
  cookie = (await d.signIn('support@example.test')).cookie;
  expect((await d.call('POST', '/api/admin/incidents', makeIncident({ title: 'Checkout payments failing', commander: 'Sam Lee' }))).status).toBe(201);
  expect((await d.call('POST', '/api/admin/incidents', makeIncident({ title: 'Slow search results', commander: 'Ada Park' }))).status).toBe(201);
});
const links = (html: string) => [...html.matchAll(/<a href="\/admin\/(?:incidents|maintenance)\/((?:INC|MNT)-\d+)">/g)].map((m) => m[1]);

it('finds any incident by its commander, linking to the desk page', async () => {
  const res = await d.get('/admin/search?q=sam+lee', cookie);
  expect(res.status).toBe(200);
  expect(links(await res.text())).toEqual(['INC-1']);
});

it('finds an incident by the reference pasted into the words, and a maintenance window, linking to their desk pages', async () => {
  expect((await d.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Database upgrade' }))).status).toBe(201);
  expect(links(await (await d.get('/admin/search?q=INC-2', cookie)).text())).toEqual(['INC-2']);
  expect(links(await (await d.get('/admin/search?q=database', cookie)).text())).toEqual(['MNT-1']);
  expect(links(await (await d.get('/admin/search?q=mnt-1', cookie)).text())).toEqual(['MNT-1']);
});

it('names a bad field and keeps the form', async () => {
  const res = await d.get('/admin/search?severity=P9', cookie);
  expect(res.status).toBe(400);
  const html = await res.text();
  expect(html).toContain('id="s-severity"');
  expect(links(html)).toEqual([]);
});

it('is for signed-in staff only', async () => {
  const res = await d.get('/admin/search?q=checkout', '');
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toMatch(/^\/admin\/sign-in/);
});
