/**
 * The maintenance calendar: /maintenance.ics and each service's, published with the site and
 * read back by ical.js (an independent RFC 5545 parser), through a reschedule and a cancel.
 */
import ICAL from 'ical.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeMaintenance } from '../../support/factories.ts';
import { makeTestApp, type TestApp } from '../../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ start: '2026-03-10T12:00:00.000Z' });
});

type CalendarEvent = { uid: string; sequence: number; status: string; start: string; end: string; summary: string; url: string };

/** Fetches a calendar through the front door and parses it with ical.js. */
async function calendar(path: string): Promise<{ type: string | null; events: CalendarEvent[]; name: unknown }> {
  const response = await t.app.request(path);
  expect(response.status).toBe(200);
  const root = new ICAL.Component(ICAL.parse(await response.text()) as unknown[]);
  const events = root.getAllSubcomponents('vevent').map((v) => {
    const event = new ICAL.Event(v);
    return {
      uid: event.uid,
      sequence: event.sequence,
      status: String(v.getFirstPropertyValue('status')),
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      summary: event.summary,
      url: String(v.getFirstPropertyValue('url')),
    };
  });
  return { type: response.headers.get('content-type'), events, name: root.getFirstPropertyValue('x-wr-calname') };
}

const byUid = (events: CalendarEvent[], id: number) => events.find((e) => e.uid === `mnt-${id}@status.example.test`);

describe('the maintenance calendar', () => {
  it('lists each window at /maintenance.ics as text/calendar, with a stable UID, UTC times and the window’s page', async () => {
    await t.call('POST', '/api/admin/maintenance', makeMaintenance());
    const { type, events, name } = await calendar('/maintenance.ics');
    expect(type).toBe('text/calendar; charset=utf-8');
    expect(name).toMatch(/planned maintenance/);
    expect(events).toEqual([
      {
        uid: 'mnt-1@status.example.test',
        sequence: 0,
        status: 'CONFIRMED',
        start: '2026-03-10T22:00:00.000Z',
        end: '2026-03-11T00:00:00.000Z',
        summary: 'Database upgrade (MNT-1)',
        url: 'https://status.example.test/maintenance/MNT-1',
      },
    ]);
  });

  it('shows a reschedule with the new times and a higher SEQUENCE, and a cancel as STATUS:CANCELLED', async () => {
    await t.call('POST', '/api/admin/maintenance', makeMaintenance());
    await t.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Network maintenance', services: ['web-app'] }));
    const moved = await t.call('POST', '/api/admin/maintenance/MNT-1/reschedule', {
      scheduledFor: '2026-03-12T21:00:00Z',
      scheduledUntil: '2026-03-12T23:30:00Z',
    });
    expect(moved.status).toBe(201);
    expect(moved.json).toMatchObject({ scheduledFor: '2026-03-12T21:00:00.000Z', sequence: 1 });
    expect(moved.json.updates[0]).toMatchObject({ event: 'rescheduled', message: expect.stringContaining('2026-03-12 21:00 UTC') });
    const cancelled = await t.call('POST', '/api/admin/maintenance/MNT-2/updates', { status: 'completed', message: 'Not needed after all.' });
    expect(cancelled.status).toBe(201);

    const { events } = await calendar('/maintenance.ics');
    expect(byUid(events, 1)).toMatchObject({ sequence: 1, status: 'CONFIRMED', start: '2026-03-12T21:00:00.000Z', end: '2026-03-12T23:30:00.000Z' });
    expect(byUid(events, 2)).toMatchObject({ sequence: 1, status: 'CANCELLED', start: '2026-03-10T22:00:00.000Z' });

    // An extension changes the end: SEQUENCE goes up again.
    await t.call('POST', '/api/admin/maintenance/MNT-1/extend', { scheduledUntil: '2026-03-13T01:00:00Z' });
    expect(byUid((await calendar('/maintenance.ics')).events, 1)).toMatchObject({ sequence: 2, end: '2026-03-13T01:00:00.000Z' });
  });

  it('refuses to move a window that has started (409) or to an end already past (422)', async () => {
    await t.call('POST', '/api/admin/maintenance', makeMaintenance());
    const past = await t.call('POST', '/api/admin/maintenance/MNT-1/reschedule', {
      scheduledFor: '2026-03-10T09:00:00Z',
      scheduledUntil: '2026-03-10T10:00:00Z',
    });
    expect(past.status).toBe(422);
    t.clock.set('2026-03-10T22:00:00Z');
    await t.herald.maintenance.tick();
    const started = await t.call('POST', '/api/admin/maintenance/MNT-1/reschedule', {
      scheduledFor: '2026-03-11T22:00:00Z',
      scheduledUntil: '2026-03-11T23:00:00Z',
    });
    expect(started.status).toBe(409);
  });

  it('gives each service a calendar of only the windows touching it', async () => {
    await t.call('POST', '/api/admin/maintenance', makeMaintenance({ services: ['api'] }));
    await t.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Website move', services: ['web-app'] }));
    expect((await calendar('/services/api/maintenance.ics')).events.map((e) => e.summary)).toEqual(['Database upgrade (MNT-1)']);
    expect((await calendar('/services/web-app/maintenance.ics')).events.map((e) => e.summary)).toEqual(['Website move (MNT-2)']);
    expect((await calendar('/maintenance.ics')).events).toHaveLength(2);
  });

  it('keeps completed windows for 30 days after their end, then leaves them out', async () => {
    await t.call('POST', '/api/admin/maintenance', makeMaintenance());
    t.clock.set('2026-03-11T00:00:00Z');
    await t.herald.maintenance.tick();
    t.clock.set('2026-04-09T23:59:00Z');
    await t.publisher.publish({ incidents: [] });
    expect((await calendar('/maintenance.ics')).events).toHaveLength(1);
    t.clock.set('2026-04-10T00:01:00Z');
    await t.publisher.publish({ incidents: [] });
    expect((await calendar('/maintenance.ics')).events).toHaveLength(0);
  });

  it('is the same file byte for byte when nothing changed', async () => {
    await t.call('POST', '/api/admin/maintenance', makeMaintenance());
    const before = t.snapshot.get('/maintenance.ics')?.body.toString();
    expect(before).toContain('BEGIN:VEVENT');
    t.clock.advance(60 * 60_000);
    await t.publisher.publish({ incidents: [] });
    expect(t.snapshot.get('/maintenance.ics')?.body.toString()).toBe(before);
  });
});
