import type { Transaction } from '@libsql/client';
import { actorLabel, type Actor } from '../../shared/actor.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { assertMaintenanceTransition, maintenanceEvent, planMaintenanceServiceChanges, type MaintenanceRecord } from './rules.ts';
import type { CreateMaintenanceInput } from '../../shared/schemas.ts';
import type { MaintenanceEvent, MaintenanceStatus, ServiceStatus } from '../../shared/vocabulary.ts';
import { recordAudit } from '../audit/index.ts';
import type { Executor } from '../../platform/db/client.ts';
import { getServicesBySlug, setServiceStatus } from '../services/index.ts';
import { makeRef } from '../../shared/refs.ts';

export type MaintenanceState = 'upcoming' | 'active' | 'completed' | 'all';
export type MaintenanceFilter = { state?: MaintenanceState; ids?: number[]; limit?: number };

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
  if (state !== 'all') (where.push('status = ?'), args.push(STATUS_OF_STATE[state]));
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    where.push(`id IN (${placeholders(filter.ids.length)})`);
    args.push(...filter.ids);
  }
  const order = state === 'upcoming' ? 'scheduled_for ASC, id ASC' : 'scheduled_for DESC, id DESC';
  const { rows } = await db.execute({
    sql: `SELECT * FROM maintenances ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${Math.min(filter.limit ?? 1000, 5000)}`,
    args,
  });
  if (rows.length === 0) return [];
  const ids = rows.map((r) => Number(r.id));
  const [services, updates] = await Promise.all([
    db.execute({
      sql: `SELECT x.maintenance_id, s.slug, s.name, s.status FROM maintenance_services x JOIN services s ON s.id = x.service_id
            WHERE x.maintenance_id IN (${placeholders(ids.length)}) ORDER BY s.position, s.name`,
      args: ids,
    }),
    db.execute({
      sql: `SELECT * FROM maintenance_updates WHERE maintenance_id IN (${placeholders(ids.length)}) ORDER BY created_at, id`,
      args: ids,
    }),
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
      services: services.rows
        .filter((s) => Number(s.maintenance_id) === id)
        .map((s) => ({ slug: String(s.slug), name: String(s.name), status: String(s.status) as ServiceStatus })),
      updates: updates.rows
        .filter((u) => Number(u.maintenance_id) === id)
        .map((u) => ({
          id: Number(u.id),
          status: String(u.status) as MaintenanceStatus,
          event: String(u.event) as MaintenanceEvent,
          message: String(u.message),
          notify: Boolean(u.notify),
          createdAt: String(u.created_at),
        })),
    };
  });
}

export async function loadMaintenance(db: Executor, id: number): Promise<MaintenanceRecord> {
  const [found] = await loadMaintenances(db, { ids: [id] });
  if (!found) throw new NotFoundError(`[Maintenance] No maintenance ${makeRef('maintenance', id)}. GET /api/admin/maintenance?state=all lists them.`);
  return found;
}

export type MaintenanceWriteContext = { actor: Actor; now: Date };

/** Schedules a window with its first update (status scheduled) and audits it. */
export async function insertMaintenance(tx: Transaction, input: CreateMaintenanceInput, ctx: MaintenanceWriteContext): Promise<{ id: number; updateId: number }> {
  const at = ctx.now.toISOString();
  // Subscribers hear of planned work unless the comms lead says not to.
  const notify = input.notify ?? true;
  const found = await getServicesBySlug(tx, input.services);
  const unknown = input.services.filter((s) => !found.has(s));
  if (unknown.length > 0) {
    throw new ValidationError(
      `[Maintenance] Unknown service(s): ${unknown.join(', ')}. GET /api/admin/services lists the slugs.`,
      unknown.map((slug) => ({ path: 'services', message: `no service "${slug}"` })),
    );
  }
  const inserted = await tx.execute({
    sql: `INSERT INTO maintenances (title, status, scheduled_for, scheduled_until, created_at, updated_at, notify)
          VALUES (?, 'scheduled', ?, ?, ?, ?, ?) RETURNING id`,
    args: [input.title, new Date(input.scheduledFor).toISOString(), new Date(input.scheduledUntil).toISOString(), at, at, notify ? 1 : 0],
  });
  const id = Number(inserted.rows[0]?.id);
  for (const service of found.values()) {
    await tx.execute({ sql: 'INSERT INTO maintenance_services (maintenance_id, service_id) VALUES (?, ?)', args: [id, service.id] });
  }
  const updateId = await insertUpdate(tx, id, { status: 'scheduled', event: 'scheduled', message: input.message, notify }, ctx);
  await recordAudit(tx, { actor: ctx.actor, action: 'maintenance.create', entity: 'maintenance', ref: makeRef('maintenance', id), after: input }, ctx.now);
  return { id, updateId };
}

/**
 * Adds an update to a window's timeline; a new status starts or completes it, setting its
 * services as `planMaintenanceServiceChanges` says. Without a status the window keeps its own.
 */
export async function applyMaintenanceUpdate(
  tx: Transaction,
  id: number,
  input: { status?: MaintenanceStatus | undefined; message: string; notify?: boolean | undefined },
  ctx: MaintenanceWriteContext,
): Promise<{ updateId: number; from: MaintenanceStatus; to: MaintenanceStatus }> {
  const current = await loadMaintenance(tx, id);
  const to = input.status ?? current.status;
  assertMaintenanceTransition(current.status, to);
  const at = ctx.now.toISOString();
  if (to !== current.status) {
    const transition = to === 'in_progress' ? 'start' : current.status === 'in_progress' ? 'complete' : null;
    if (transition) {
      const services = await getServicesBySlug(tx, current.services.map((s) => s.slug));
      const held = transition === 'complete' ? await servicesHeldElsewhere(tx, id) : new Set<string>();
      for (const change of planMaintenanceServiceChanges([...services.values()], transition, held)) {
        await setServiceStatus(tx, change.serviceId, change.to, ctx.now);
      }
    }
  }
  const notify = input.notify ?? (await notifiesByDefault(tx, id));
  const updateId = await insertUpdate(tx, id, { status: to, event: maintenanceEvent(current.status, to), message: input.message, notify }, ctx);
  await tx.execute({
    sql: `UPDATE maintenances SET status = ?, updated_at = ?,
          started_at = CASE WHEN ? = 'in_progress' AND started_at IS NULL THEN ? ELSE started_at END,
          completed_at = CASE WHEN ? = 'completed' THEN ? ELSE completed_at END WHERE id = ?`,
    args: [to, at, to, at, to, at, id],
  });
  await recordAudit(
    tx,
    { actor: ctx.actor, action: 'maintenance.update', entity: 'maintenance', ref: makeRef('maintenance', id), before: { status: current.status }, after: input },
    ctx.now,
  );
  return { updateId, from: current.status, to };
}

/**
 * Moves a window's end to `until` and says so on its timeline (the status stays as it is);
 * audited. The caller has checked the extension (`assertExtension`).
 */
export async function extendMaintenanceWindow(
  tx: Transaction,
  id: number,
  input: { scheduledUntil: string; message: string; notify?: boolean | undefined },
  ctx: MaintenanceWriteContext,
): Promise<{ updateId: number }> {
  const current = await loadMaintenance(tx, id);
  const until = new Date(input.scheduledUntil).toISOString();
  const notify = input.notify ?? (await notifiesByDefault(tx, id));
  const updateId = await insertUpdate(tx, id, { status: current.status, event: 'extended', message: input.message, notify }, ctx);
  await tx.execute({ sql: 'UPDATE maintenances SET scheduled_until = ?, updated_at = ? WHERE id = ?', args: [until, ctx.now.toISOString(), id] });
  await recordAudit(
    tx,
    { actor: ctx.actor, action: 'maintenance.extend', entity: 'maintenance', ref: makeRef('maintenance', id), before: { scheduledUntil: current.scheduledUntil }, after: input },
    ctx.now,
  );
  return { updateId };
}

/** Whether subscribers hear of the window's updates unless an update says otherwise (set when it was scheduled). */
async function notifiesByDefault(tx: Executor, id: number): Promise<boolean> {
  return Boolean((await tx.execute({ sql: 'SELECT notify FROM maintenances WHERE id = ?', args: [id] })).rows[0]?.notify);
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
async function servicesHeldElsewhere(tx: Executor, id: number): Promise<Set<string>> {
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

type UpdateRow = { status: MaintenanceStatus; event: MaintenanceEvent; message: string; notify: boolean };

async function insertUpdate(tx: Executor, id: number, u: UpdateRow, ctx: MaintenanceWriteContext): Promise<number> {
  const { rows } = await tx.execute({
    sql: `INSERT INTO maintenance_updates (maintenance_id, status, event, message, notify, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    args: [id, u.status, u.event, u.message, u.notify ? 1 : 0, actorLabel(ctx.actor), ctx.now.toISOString()],
  });
  return Number(rows[0]?.id);
}
