/**
 * Maintenance windows in SQL: reading them whole (services, timeline) and the statements each
 * write is made of. Which transitions are allowed, what an update defaults to and what the
 * audit log says are decided in commands.ts and rules.ts.
 */
import type { MaintenanceEvent, MaintenanceStatus, ServiceStatus } from '../../shared/vocabulary.ts';
import type { Executor } from '../../platform/db/client.ts';
import { readLeadTimes, storeLeadTimes, type MaintenanceFilter, type MaintenanceRecord, type MaintenanceState, type PendingReminder } from './schemas.ts';

export type { MaintenanceFilter, MaintenanceState };

const STATUS_OF_STATE: Record<Exclude<MaintenanceState, 'all'>, MaintenanceStatus> = {
  upcoming: 'scheduled',
  active: 'in_progress',
  completed: 'completed',
};

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',');

/**
 * Loads maintenance windows with their services and timelines: upcoming ones soonest first,
 * the others latest first.
 */
export async function loadMaintenances(db: Executor, filter: MaintenanceFilter = {}): Promise<MaintenanceRecord[]> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const state = filter.state ?? 'all';
  if (state !== 'all') where.push('status = ?'), args.push(STATUS_OF_STATE[state]);
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    where.push(`id IN (${placeholders(filter.ids.length)})`);
    args.push(...filter.ids);
  }
  if (filter.ran) where.push('started_at IS NOT NULL');
  if (filter.serviceId !== undefined) where.push('id IN (SELECT maintenance_id FROM maintenance_services WHERE service_id = ?)'), args.push(filter.serviceId);
  if (filter.endingSince) where.push(`(status <> 'completed' OR scheduled_until >= ?)`), args.push(filter.endingSince);
  const order = state === 'upcoming' ? 'scheduled_for ASC, id ASC' : 'scheduled_for DESC, id DESC';
  const { rows } = await db.execute({
    sql: `SELECT * FROM maintenances ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${Math.min(filter.limit ?? 1000, 5000)}`,
    args,
  });
  if (rows.length === 0) return [];
  const ids = rows.map((r) => Number(r.id));
  const [services, updates, reminders] = await Promise.all([
    db.execute({
      sql: `SELECT x.maintenance_id, s.slug, s.name, s.status FROM maintenance_services x JOIN services s ON s.id = x.service_id
            WHERE x.maintenance_id IN (${placeholders(ids.length)}) ORDER BY s.position, s.name`,
      args: ids,
    }),
    db.execute({
      sql: `SELECT * FROM maintenance_updates WHERE maintenance_id IN (${placeholders(ids.length)}) ORDER BY created_at, id`,
      args: ids,
    }),
    remindersOf(db, ids),
  ]);
  return rows.map((r) => {
    const id = Number(r.id);
    return {
      id,
      title: String(r.title),
      status: String(r.status) as MaintenanceStatus,
      scheduledFor: String(r.scheduled_for),
      scheduledUntil: String(r.scheduled_until),
      createdAt: String(r.created_at),
      updatedAt: String(r.updated_at),
      startedAt: r.started_at === null ? null : String(r.started_at),
      completedAt: r.completed_at === null ? null : String(r.completed_at),
      sequence: Number(r.sequence),
      reminderMinutes: readLeadTimes(r.reminders),
      reminders: reminders.filter((x) => x.maintenanceId === id).map((x) => ({ minutesBefore: x.minutesBefore, dueAt: x.dueAt, state: x.state })),
      series: r.series_id === null ? null : { id: Number(r.series_id), index: Number(r.series_index) },
      services: services.rows
        .filter((s) => Number(s.maintenance_id) === id)
        .map((s) => ({ slug: String(s.slug), name: String(s.name), status: String(s.status) as ServiceStatus })),
      updates: updates.rows
        .filter((u) => Number(u.maintenance_id) === id)
        .map((u) => ({
          id: Number(u.id),
          status: String(u.status) as MaintenanceStatus,
          // A reminder or a move is stored as 'updated' with what it was (migration 0020).
          event: String(u.event_detail ?? u.event) as MaintenanceEvent,
          message: String(u.message),
          notify: Boolean(u.notify),
          createdAt: String(u.created_at),
        })),
    };
  });
}

/** One window; null when there is none. */
export async function findMaintenance(db: Executor, id: number): Promise<MaintenanceRecord | null> {
  const [found] = await loadMaintenances(db, { ids: [id] });
  return found ?? null;
}

/** @returns the new window's id (status scheduled). */
export async function insertMaintenance(
  db: Executor,
  row: {
    title: string;
    scheduledFor: string;
    scheduledUntil: string;
    notify: boolean;
    at: string;
    reminderMinutes?: readonly number[] | null | undefined;
    series?: { id: number; index: number } | null;
  },
): Promise<number> {
  const { rows } = await db.execute({
    sql: `INSERT INTO maintenances (title, status, scheduled_for, scheduled_until, created_at, updated_at, notify, reminders, series_id, series_index)
          VALUES (?, 'scheduled', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    args: [
      row.title,
      row.scheduledFor,
      row.scheduledUntil,
      row.at,
      row.at,
      row.notify ? 1 : 0,
      storeLeadTimes(row.reminderMinutes),
      row.series?.id ?? null,
      row.series?.index ?? null,
    ],
  });
  return Number(rows[0]?.id);
}

export async function addMaintenanceServices(db: Executor, id: number, serviceIds: Iterable<number>): Promise<void> {
  for (const serviceId of serviceIds) {
    await db.execute({ sql: 'INSERT INTO maintenance_services (maintenance_id, service_id) VALUES (?, ?)', args: [id, serviceId] });
  }
}

export type MaintenanceUpdateRow = { status: MaintenanceStatus; event: MaintenanceEvent; message: string; notify: boolean; author: string; at: string };

/** @returns the new update's id. */
export async function insertUpdateRow(db: Executor, id: number, u: MaintenanceUpdateRow): Promise<number> {
  const detail = u.event === 'reminder' || u.event === 'rescheduled' ? u.event : null;
  const { rows } = await db.execute({
    sql: `INSERT INTO maintenance_updates (maintenance_id, status, event, event_detail, message, notify, author, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    args: [id, u.status, detail ? 'updated' : u.event, detail, u.message, u.notify ? 1 : 0, u.author, u.at],
  });
  return Number(rows[0]?.id);
}

/** Sets a window's status; the first start and the completion keep their times. */
export async function setMaintenanceStatus(db: Executor, id: number, to: MaintenanceStatus, at: string): Promise<void> {
  await db.execute({
    sql: `UPDATE maintenances SET status = ?, updated_at = ?,
          started_at = CASE WHEN ? = 'in_progress' AND started_at IS NULL THEN ? ELSE started_at END,
          completed_at = CASE WHEN ? = 'completed' THEN ? ELSE completed_at END WHERE id = ?`,
    args: [to, at, to, at, to, at, id],
  });
}

export async function setScheduledUntil(db: Executor, id: number, until: string, at: string): Promise<void> {
  await db.execute({ sql: 'UPDATE maintenances SET scheduled_until = ?, updated_at = ? WHERE id = ?', args: [until, at, id] });
}

/** Moves a window's planned start and end. */
export async function setWindow(db: Executor, id: number, window: { scheduledFor: string; scheduledUntil: string }, at: string): Promise<void> {
  await db.execute({
    sql: 'UPDATE maintenances SET scheduled_for = ?, scheduled_until = ?, updated_at = ? WHERE id = ?',
    args: [window.scheduledFor, window.scheduledUntil, at, id],
  });
}

/** What a calendar shows of the window changed (times, title, cancellation): its SEQUENCE goes up by one. */
export async function bumpSequence(db: Executor, id: number): Promise<void> {
  await db.execute({ sql: 'UPDATE maintenances SET sequence = sequence + 1 WHERE id = ?', args: [id] });
}

/** A timeline entry that changes nothing else (a reminder): the window's pages are published again all the same. */
export async function touchMaintenance(db: Executor, id: number, at: string): Promise<void> {
  await db.execute({ sql: 'UPDATE maintenances SET updated_at = ? WHERE id = ?', args: [at, id] });
}

/** A window's title (a series edited). */
export async function setTitle(db: Executor, id: number, title: string, at: string): Promise<void> {
  await db.execute({ sql: 'UPDATE maintenances SET title = ?, updated_at = ? WHERE id = ?', args: [title, at, id] });
}

/** Its own reminders (null: the setting's). */
export async function setReminderMinutes(db: Executor, id: number, minutes: readonly number[] | null): Promise<void> {
  await db.execute({ sql: 'UPDATE maintenances SET reminders = ? WHERE id = ?', args: [storeLeadTimes(minutes), id] });
}

/** What was chosen when the window was scheduled: whether its updates notify subscribers unless one says otherwise. */
export async function windowNotifies(db: Executor, id: number): Promise<boolean> {
  return Boolean((await db.execute({ sql: 'SELECT notify FROM maintenances WHERE id = ?', args: [id] })).rows[0]?.notify);
}

/** Windows the clock has something to do for at `now`: scheduled ones whose start passed, running ones whose end passed. */
export async function dueMaintenanceIds(db: Executor, now: Date): Promise<number[]> {
  const at = now.toISOString();
  const { rows } = await db.execute({
    sql: `SELECT id FROM maintenances WHERE (status = 'scheduled' AND scheduled_for <= ?) OR (status = 'in_progress' AND scheduled_until <= ?)
          ORDER BY scheduled_for, id`,
    args: [at, at],
  });
  return rows.map((r) => Number(r.id));
}

/** Services that open incidents or other windows in progress still hold. */
export async function servicesHeldElsewhere(tx: Executor, id: number): Promise<Set<string>> {
  const { rows } = await tx.execute({
    sql: `SELECT s.slug FROM incident_services x JOIN incidents i ON i.id = x.incident_id JOIN services s ON s.id = x.service_id
          WHERE i.status <> 'resolved' AND i.draft = 0
          UNION
          SELECT s.slug FROM maintenance_services x JOIN maintenances m ON m.id = x.maintenance_id JOIN services s ON s.id = x.service_id
          WHERE m.status = 'in_progress' AND m.id <> ?`,
    args: [id],
  });
  return new Set(rows.map((r) => String(r.slug)));
}

export type ReminderRow = PendingReminder & { maintenanceId: number; state: 'pending' | 'sent' | 'skipped' };

/** Every reminder of the windows `ids`, soonest due first. */
export async function remindersOf(db: Executor, ids: readonly number[]): Promise<ReminderRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.execute({
    sql: `SELECT * FROM maintenance_reminders WHERE maintenance_id IN (${ids.map(() => '?').join(',')}) ORDER BY due_at, id`,
    args: [...ids],
  });
  return rows.map((r) => ({
    id: Number(r.id),
    maintenanceId: Number(r.maintenance_id),
    minutesBefore: Number(r.minutes_before),
    dueAt: String(r.due_at),
    state: String(r.state) as ReminderRow['state'],
  }));
}
