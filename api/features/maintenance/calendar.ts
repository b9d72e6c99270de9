/**
 * The maintenance calendar (RFC 5545), built with ical-generator: one VEVENT per window, for
 * /maintenance.ics, each service's /services/<slug>/maintenance.ics and the .ics attached to
 * maintenance mails. Rendering is pure (`renderMaintenanceCalendar`); the site publishes it.
 *
 * - UID `mnt-<id>@<host>`: stable for the window's life, so a client updates its copy in place.
 * - SEQUENCE: the window's counter, bumped when its times, title or cancellation change; a
 *   client takes the copy with the higher one.
 * - STATUS: CANCELLED for a window called off (completed without starting), CONFIRMED otherwise.
 * - Times in UTC (`…Z`); DTSTAMP and LAST-MODIFIED are the window's last change, so an
 *   unchanged calendar is byte-for-byte the same file.
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { Executor } from '../../platform/db/client.ts';
import { markdownToText } from '../../platform/markdown.ts';
import { makeRef } from '../../shared/refs.ts';
import type { MaintenanceRecord } from './schemas.ts';
import { loadMaintenances } from './store.ts';

/** Completed windows stay in the calendar this long after their planned end. */
export const CALENDAR_RECENT_DAYS = 30;
/** The most windows one calendar lists. */
const CALENDAR_MOST = 1000;

export type CalendarOptions = {
  publicUrl: string;
  /** The calendar's name, as a client shows it (X-WR-CALNAME, NAME). */
  name: string;
  /** Where the calendar is published, e.g. `/maintenance.ics` (its URL and SOURCE). */
  path: string;
  /** METHOD:PUBLISH, for a calendar sent as a mail's attachment. */
  method?: 'publish';
};

/** The windows a calendar lists at `now`: every one not completed, and those planned to end in the last 30 days. */
export function loadCalendarWindows(db: Executor, now: Date): Promise<MaintenanceRecord[]> {
  const since = new Date(now.getTime() - CALENDAR_RECENT_DAYS * 86_400_000).toISOString();
  return loadMaintenances(db, { endingSince: since, limit: CALENDAR_MOST });
}

/** Whether a calendar says the window is off: completed without ever starting. */
export const isCancelled = (m: Pick<MaintenanceRecord, 'status' | 'startedAt'>) => m.status === 'completed' && m.startedAt === null;

/**
 * The calendar of `windows`, soonest first.
 * @example renderMaintenanceCalendar([window], { publicUrl: 'https://status.example.com', name: 'Example: planned maintenance', path: '/maintenance.ics' })
 * // 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Herald//Maintenance calendar//EN\r\n…UID:mnt-7@status.example.com\r\nSEQUENCE:0…'
 */
export function renderMaintenanceCalendar(windows: readonly MaintenanceRecord[], options: CalendarOptions): string {
  const host = new URL(options.publicUrl).hostname;
  const calendar = ical({
    name: options.name,
    prodId: { company: 'Herald', product: 'Maintenance calendar', language: 'EN' },
    url: `${options.publicUrl}${options.path}`,
    source: `${options.publicUrl}${options.path}`,
    // Clients that honour it (REFRESH-INTERVAL, X-PUBLISHED-TTL) fetch it again hourly.
    ttl: 3600,
    ...(options.method === 'publish' ? { method: ICalCalendarMethod.PUBLISH } : {}),
  });
  const sorted = [...windows].sort((a, b) => (a.scheduledFor < b.scheduledFor ? -1 : a.scheduledFor > b.scheduledFor ? 1 : a.id - b.id));
  for (const m of sorted) {
    const ref = makeRef('maintenance', m.id);
    const url = `${options.publicUrl}/maintenance/${ref}`;
    const first = m.updates[0];
    const services = m.services.map((s) => s.name).join(', ');
    calendar.createEvent({
      id: `mnt-${m.id}@${host}`,
      sequence: m.sequence,
      start: new Date(m.scheduledFor),
      end: new Date(m.scheduledUntil),
      stamp: new Date(m.updatedAt),
      created: new Date(m.createdAt),
      lastModified: new Date(m.updatedAt),
      summary: `${m.title} (${ref})`,
      description: [services, first ? markdownToText(first.message) : '', url].filter(Boolean).join('\n\n'),
      url,
      status: isCancelled(m) ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      categories: [{ name: 'Maintenance' }],
    });
  }
  return calendar.toString();
}
