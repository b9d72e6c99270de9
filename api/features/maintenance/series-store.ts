/**
 * Recurring maintenance series in SQL: the rule, its services, and its occurrences (windows
 * with `series_id`). What the rule means is in recurrence.ts.
 */
import type { Executor } from '../../platform/db/client.ts';
import type { MaintenanceStatus } from '../../shared/vocabulary.ts';
import { readLeadTimes, storeLeadTimes, type Frequency, type SeriesRule } from './schemas.ts';

export type SeriesRecord = SeriesRule & {
  id: number;
  title: string;
  message: string;
  services: string[];
  reminderMinutes: number[] | null;
  notify: boolean;
  author: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
};

export type Occurrence = { id: number; index: number; status: MaintenanceStatus; scheduledFor: string; scheduledUntil: string; title: string };

/** @returns the new series' id. */
export async function insertSeries(
  db: Executor,
  s: Omit<SeriesRecord, 'id' | 'services' | 'updatedAt' | 'cancelledAt'>,
  serviceIds: Iterable<number>,
): Promise<number> {
  const { rows } = await db.execute({
    sql: `INSERT INTO maintenance_series (title, message, frequency, every, first_start, duration_minutes, until, count, reminders, notify, author, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    args: [
      s.title,
      s.message,
      s.frequency,
      s.every,
      s.firstStart,
      s.durationMinutes,
      s.until,
      s.count,
      storeLeadTimes(s.reminderMinutes),
      s.notify ? 1 : 0,
      s.author,
      s.createdAt,
      s.createdAt,
    ],
  });
  const id = Number(rows[0]?.id);
  for (const serviceId of serviceIds) {
    await db.execute({ sql: 'INSERT INTO maintenance_series_services (series_id, service_id) VALUES (?, ?)', args: [id, serviceId] });
  }
  return id;
}

export async function findSeries(db: Executor, id: number): Promise<SeriesRecord | null> {
  const { rows } = await db.execute({ sql: 'SELECT * FROM maintenance_series WHERE id = ?', args: [id] });
  const r = rows[0];
  if (!r) return null;
  const services = await db.execute({
    sql: `SELECT s.slug FROM maintenance_series_services x JOIN services s ON s.id = x.service_id WHERE x.series_id = ? ORDER BY s.position, s.name`,
    args: [id],
  });
  return {
    id,
    title: String(r.title),
    message: String(r.message),
    frequency: String(r.frequency) as Frequency,
    every: Number(r.every),
    firstStart: String(r.first_start),
    durationMinutes: Number(r.duration_minutes),
    until: r.until === null ? null : String(r.until),
    count: r.count === null ? null : Number(r.count),
    reminderMinutes: readLeadTimes(r.reminders),
    notify: Boolean(r.notify),
    author: String(r.author),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    cancelledAt: r.cancelled_at === null ? null : String(r.cancelled_at),
    services: services.rows.map((x) => String(x.slug)),
  };
}

/** Series still making occurrences. */
export async function activeSeriesIds(db: Executor): Promise<number[]> {
  const { rows } = await db.execute('SELECT id FROM maintenance_series WHERE cancelled_at IS NULL ORDER BY id');
  return rows.map((r) => Number(r.id));
}

/** A series' occurrences created so far, soonest first. */
export async function occurrencesOf(db: Executor, seriesId: number): Promise<Occurrence[]> {
  const { rows } = await db.execute({
    sql: 'SELECT id, series_index, status, scheduled_for, scheduled_until, title FROM maintenances WHERE series_id = ? ORDER BY series_index',
    args: [seriesId],
  });
  return rows.map((r) => ({
    id: Number(r.id),
    index: Number(r.series_index),
    status: String(r.status) as MaintenanceStatus,
    scheduledFor: String(r.scheduled_for),
    scheduledUntil: String(r.scheduled_until),
    title: String(r.title),
  }));
}

/** The index after the last occurrence created (0 when none is). */
export async function nextOccurrenceIndex(db: Executor, seriesId: number): Promise<number> {
  const { rows } = await db.execute({ sql: 'SELECT MAX(series_index) AS last FROM maintenances WHERE series_id = ?', args: [seriesId] });
  const last = rows[0]?.last;
  return last === null || last === undefined ? 0 : Number(last) + 1;
}

export async function updateSeriesRow(
  db: Executor,
  id: number,
  s: Pick<SeriesRecord, 'title' | 'durationMinutes' | 'until' | 'count' | 'reminderMinutes'>,
  at: string,
): Promise<void> {
  await db.execute({
    sql: 'UPDATE maintenance_series SET title = ?, duration_minutes = ?, until = ?, count = ?, reminders = ?, updated_at = ? WHERE id = ?',
    args: [s.title, s.durationMinutes, s.until, s.count, storeLeadTimes(s.reminderMinutes), at, id],
  });
}

export async function markSeriesCancelled(db: Executor, id: number, at: string): Promise<void> {
  await db.execute({ sql: 'UPDATE maintenance_series SET cancelled_at = ?, updated_at = ? WHERE id = ?', args: [at, at, id] });
}
