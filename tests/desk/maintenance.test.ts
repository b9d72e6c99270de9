import { beforeEach, describe, expect, it } from 'vitest';
import { makeMaintenance, makePastMaintenance } from '../support/factories.ts';
import { makeDesk, textOf, type Desk } from '../support/desk.ts';

let d: Desk;
let cookie: string;
beforeEach(async () => {
  d = await makeDesk({ start: '2026-03-10T12:00:00.000Z' });
  await d.addUser('comms@example.test', 'comms', 'Casey Comms');
  cookie = (await d.signIn('comms@example.test')).cookie;
});

const dashboard = async () => textOf(await (await d.get('/admin', cookie)).text());

describe('the desk dashboard', () => {
  it('says when no maintenance is planned', async () => {
    expect(await dashboard()).toContain('No maintenance in progress or scheduled.');
  });

  it('lists maintenance in progress, then upcoming soonest first, but not completed windows', async () => {
    await d.call(
      'POST',
      '/api/admin/maintenance',
      makeMaintenance({ title: 'Later', scheduledFor: '2026-03-12T22:00:00.000Z', scheduledUntil: '2026-03-12T23:00:00.000Z' }),
    );
    await d.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Tonight' }));
    await d.call(
      'POST',
      '/api/admin/maintenance',
      makeMaintenance({ title: 'Running', scheduledFor: '2026-03-10T11:00:00.000Z', scheduledUntil: '2026-03-10T13:00:00.000Z' }),
    );
    await makePastMaintenance(d, { title: 'Done', scheduledFor: '2026-03-09T11:00:00.000Z', scheduledUntil: '2026-03-09T13:00:00.000Z' });
    const text = await dashboard();
    expect(text).toContain('MNT-3: Running (In progress)');
    expect(text).toContain('MNT-2: Tonight (Scheduled)');
    expect(text.indexOf('MNT-3: Running')).toBeLessThan(text.indexOf('MNT-2: Tonight'));
    expect(text.indexOf('MNT-2: Tonight')).toBeLessThan(text.indexOf('MNT-1: Later'));
    expect(text).not.toContain('MNT-4');
  });
});

describe('the desk’s maintenance forms', () => {
  let csrf: string;
  beforeEach(async () => {
    ({ cookie, csrf } = await d.signIn('comms@example.test'));
  });
  const post = (path: string, fields: Record<string, string>) => d.post(path, { _csrf: csrf, ...fields }, { cookie });
  const read = async (ref = 'MNT-1') => (await d.call('GET', `/api/admin/maintenance/${ref}`)).json;

  it('are linked from the nav and the dashboard', async () => {
    const html = await (await d.get('/admin', cookie)).text();
    expect(html).toContain('<a href="/admin/maintenance/new"');
    expect(html).toContain('<a class="button" href="/admin/maintenance/new">Schedule maintenance</a>');
    await d.call('POST', '/api/admin/maintenance', makeMaintenance());
    expect(await (await d.get('/admin', cookie)).text()).toContain('<a href="/admin/maintenance/MNT-1">MNT-1: Database upgrade</a>');
  });

  it('schedule a window through the same command as the API, times read as UTC', async () => {
    const form = await (await d.get('/admin/maintenance/new', cookie)).text();
    expect(form).toContain('name="scheduledFor"');
    const res = await post('/admin/maintenance/new', {
      title: 'Cache resize',
      scheduledFor: '2026-03-10T22:00',
      scheduledUntil: '2026-03-10T23:30',
      'svc.api': 'yes',
      'svc.cdn': 'yes',
      message: 'The cache is resized; pages may load slowly for a few minutes.',
      notify: 'no',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/maintenance/MNT-1?done=maintenance-scheduled');
    expect(await read()).toMatchObject({
      title: 'Cache resize',
      status: 'scheduled',
      scheduledFor: '2026-03-10T22:00:00.000Z',
      scheduledUntil: '2026-03-10T23:30:00.000Z',
      updates: [{ event: 'scheduled', notify: false, message: 'The cache is resized; pages may load slowly for a few minutes.' }],
    });
    expect((await read()).services.map((s: { slug: string }) => s.slug).sort()).toEqual(['api', 'cdn']);
    const page = textOf(await (await d.get('/admin/maintenance/MNT-1?done=maintenance-scheduled', cookie)).text());
    expect(page).toContain('Maintenance scheduled and published.');
    expect(page).toContain('MNT-1: Cache resize');
    expect(page).toContain('Extend maintenance');
    expect(page).toContain('Cancel maintenance');
    expect(page).not.toContain('End maintenance now');
  });

  it('extend a window, with the default words when the message is left empty', async () => {
    await d.call('POST', '/api/admin/maintenance', makeMaintenance());
    const res = await post('/admin/maintenance/MNT-1/extend', { scheduledUntil: '2026-03-11T01:15', message: '' });
    expect(res.headers.get('location')).toBe('/admin/maintenance/MNT-1?done=maintenance-extended');
    const m = await read();
    expect(m.scheduledUntil).toBe('2026-03-11T01:15:00.000Z');
    expect(m.updates[0]).toMatchObject({
      event: 'extended',
      message: 'The maintenance window has been extended; it is now planned to end at 2026-03-11 01:15 UTC.',
    });
  });

  it('end a running window early, and cancel one that has not started', async () => {
    await d.call(
      'POST',
      '/api/admin/maintenance',
      makeMaintenance({ title: 'Running', scheduledFor: '2026-03-10T11:00:00.000Z', scheduledUntil: '2026-03-10T13:00:00.000Z' }),
    );
    await d.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Tonight' }));
    expect(textOf(await (await d.get('/admin/maintenance/MNT-1', cookie)).text())).toContain('End maintenance now');
    const ended = await post('/admin/maintenance/MNT-1/end', { message: 'Done ahead of time.' });
    expect(ended.headers.get('location')).toBe('/admin/maintenance/MNT-1?done=maintenance-ended');
    const running = await read('MNT-1');
    expect(running.status).toBe('completed');
    expect(running.updates[0]).toMatchObject({ event: 'ended', message: 'Done ahead of time.' });
    expect((await d.call('GET', '/api/admin/services/api')).json.status).toBe('operational');
    const cancelled = await post('/admin/maintenance/MNT-2/cancel', { message: 'Called off.' });
    expect(cancelled.headers.get('location')).toBe('/admin/maintenance/MNT-2?done=maintenance-cancelled');
    expect(await read('MNT-2')).toMatchObject({ status: 'completed', startedAt: null, updates: [{ event: 'cancelled' }, { event: 'scheduled' }] });
    const page = textOf(await (await d.get('/admin/maintenance/MNT-2', cookie)).text());
    expect(page).toContain('Cancelled');
    expect(page).not.toContain('Extend maintenance');
  });

  it('refuse to cancel a window that has started, saying so beside the form', async () => {
    await d.call('POST', '/api/admin/maintenance', makeMaintenance({ scheduledFor: '2026-03-10T11:00:00.000Z', scheduledUntil: '2026-03-10T13:00:00.000Z' }));
    const res = await post('/admin/maintenance/MNT-1/cancel', { message: 'Called off.' });
    expect(res.status).toBe(400);
    expect(textOf(await res.text())).toContain('This window has already started; end it instead of cancelling it.');
    expect((await read()).status).toBe('in_progress');
  });

  it('are for roles that may publish; every role may read a window', async () => {
    await d.call('POST', '/api/admin/maintenance', makeMaintenance());
    await d.addUser('support@example.test', 'support');
    const viewer = await d.signIn('support@example.test');
    expect((await d.get('/admin/maintenance/MNT-1', viewer.cookie)).status).toBe(200);
    expect((await d.get('/admin/maintenance/new', viewer.cookie)).status).toBe(403);
    const res = await d.post('/admin/maintenance/MNT-1/extend', { _csrf: viewer.csrf, scheduledUntil: '2026-03-11T03:00' }, { cookie: viewer.cookie });
    expect(res.status).toBe(403);
    expect((await read()).scheduledUntil).toBe('2026-03-11T00:00:00.000Z');
  });
});
