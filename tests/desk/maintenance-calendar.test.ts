/**
 * The desk's forms for reminders, moves and recurring windows: each goes through the same
 * command and schema as the admin API; the public pages link the calendars.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { makeMaintenance } from '../support/factories.ts';
import { makeDesk, textOf, type Desk } from '../support/desk.ts';

let d: Desk;
let cookie: string;
let csrf: string;
beforeEach(async () => {
  d = await makeDesk({ start: '2026-03-10T12:00:00.000Z' });
  await d.addUser('comms@example.test', 'comms', 'Casey Comms');
  ({ cookie, csrf } = await d.signIn('comms@example.test'));
});
const post = (path: string, fields: Record<string, string>) => d.post(path, { _csrf: csrf, ...fields }, { cookie });
const read = async (ref = 'MNT-1') => (await d.call('GET', `/api/admin/maintenance/${ref}`)).json;
const newWindow = {
  title: 'Cache resize',
  scheduledFor: '2026-03-12T22:00',
  scheduledUntil: '2026-03-12T23:00',
  'svc.api': 'yes',
  message: 'The cache is resized.',
};

describe('the desk’s reminder, move and series forms', () => {
  it('schedule a window with its own reminders, and refuse lead times it cannot read beside the field', async () => {
    const form = await (await d.get('/admin/maintenance/new', cookie)).text();
    expect(textOf(form)).toContain('Empty: the default (1d, 1h)');
    const refused = await post('/admin/maintenance/new', { ...newWindow, reminders: 'a week' });
    expect(refused.status).toBe(400);
    expect(textOf(await refused.text())).toContain('"a week" is not a lead time');
    const res = await post('/admin/maintenance/new', { ...newWindow, reminders: '2h, 15m' });
    expect(res.status).toBe(303);
    expect((await read()).reminders.map((r: { minutesBefore: number }) => r.minutesBefore)).toEqual([120, 15]);
  });

  it('schedule a weekly series with an end, each occurrence its own window', async () => {
    const res = await post('/admin/maintenance/new', { ...newWindow, repeat: 'weekly', every: '1', count: '3' });
    expect(res.headers.get('location')).toBe('/admin/maintenance/MNT-1?done=maintenance-scheduled');
    const series = (await d.call('GET', '/api/admin/maintenance/series/1')).json;
    expect(series.occurrences.map((o: { ref: string; scheduledFor: string }) => `${o.ref} ${o.scheduledFor}`)).toEqual([
      'MNT-1 2026-03-12T22:00:00.000Z',
      'MNT-2 2026-03-19T22:00:00.000Z',
      'MNT-3 2026-03-26T22:00:00.000Z',
    ]);
    for (const ref of ['MNT-1', 'MNT-2', 'MNT-3']) expect(d.snapshot.get(`/maintenance/${ref}`)?.body.toString()).toContain(`Cache resize (${ref})`);
    const page = textOf(await (await d.get('/admin/maintenance/MNT-2', cookie)).text());
    expect(page).toContain('Occurrence 2 of recurring series 1');
    const cancelled = await post('/admin/maintenance/MNT-2/cancel-series', { message: 'No longer needed.' });
    expect(cancelled.headers.get('location')).toBe('/admin/maintenance/MNT-2?done=maintenance-series-cancelled');
    expect((await read('MNT-3')).status).toBe('completed');
  });

  it('refuse a repeat without an end', async () => {
    const refused = await post('/admin/maintenance/new', { ...newWindow, repeat: 'monthly', every: '1' });
    expect(refused.status).toBe(400);
    expect(textOf(await refused.text())).toContain('give an end');
  });

  it('move a window, and change its reminders', async () => {
    await d.call('POST', '/api/admin/maintenance', makeMaintenance({ scheduledFor: '2026-03-12T22:00:00Z', scheduledUntil: '2026-03-12T23:00:00Z' }));
    const moved = await post('/admin/maintenance/MNT-1/reschedule', { scheduledFor: '2026-03-13T22:00', scheduledUntil: '2026-03-13T23:30', message: '' });
    expect(moved.headers.get('location')).toBe('/admin/maintenance/MNT-1?done=maintenance-rescheduled');
    expect(await read()).toMatchObject({ scheduledFor: '2026-03-13T22:00:00.000Z', scheduledUntil: '2026-03-13T23:30:00.000Z', sequence: 1 });
    const set = await post('/admin/maintenance/MNT-1/reminders', { reminders: 'none' });
    expect(set.headers.get('location')).toBe('/admin/maintenance/MNT-1?done=maintenance-reminders');
    expect((await read()).reminders).toEqual([]);
    expect(textOf(await (await d.get('/admin/maintenance/MNT-1', cookie)).text())).toContain('No reminder is planned.');
  });
});

describe('the public pages', () => {
  it('link the maintenance calendar from a window’s page and each service’s own from its page', async () => {
    await d.call('POST', '/api/admin/maintenance', makeMaintenance());
    const windowPage = d.snapshot.get('/maintenance/MNT-1')?.body.toString() ?? '';
    expect(windowPage).toContain('<a href="/maintenance.ics">Add to calendar (.ics)</a>');
    const servicePage = d.snapshot.get('/services/api')?.body.toString() ?? '';
    expect(servicePage).toContain('href="/services/api/maintenance.ics"');
    expect(d.snapshot.get('/services/api/maintenance.ics')?.body.toString()).toContain('UID:mnt-1@');
  });
});
