import { actorLabel, type Actor } from '../../shared/actor.ts';
import type { Executor } from '../../platform/db/client.ts';

export type AuditEntry = {
  actor: Actor;
  action: string;
  entity: 'incident' | 'update' | 'service' | 'token' | 'user' | 'subscriber' | 'webhook' | 'maintenance' | 'proposal';
  ref: string;
  before?: unknown;
  after?: unknown;
};

/** Records one write: who, when, what, and the record before and after. */
export async function recordAudit(db: Executor, entry: AuditEntry, now: Date): Promise<void> {
  await db.execute({
    sql: 'INSERT INTO audit_log (at, actor, action, entity, entity_ref, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)',
    args: [
      now.toISOString(),
      actorLabel(entry.actor),
      entry.action,
      entry.entity,
      entry.ref,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
    ],
  });
}

export type AuditRecord = { at: string; actor: string; action: string; entity: string; ref: string; before: unknown; after: unknown };

/**
 * The audit log, newest first. `ref` matches one exact reference; `incident` an incident's
 * whole trail: its own entries (INC-7) and its updates' (INC-7/12).
 */
export async function listAudit(db: Executor, filter: { entity?: string; ref?: string; incident?: string; limit?: number } = {}): Promise<AuditRecord[]> {
  const where: string[] = [];
  const args: string[] = [];
  if (filter.entity) where.push('entity = ?'), args.push(filter.entity);
  if (filter.ref) where.push('entity_ref = ?'), args.push(filter.ref);
  if (filter.incident) {
    where.push(`(entity_ref = ? OR (entity = 'update' AND entity_ref LIKE ? ESCAPE '\\'))`);
    args.push(filter.incident, `${filter.incident.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`);
  }
  const { rows } = await db.execute({
    sql: `SELECT at, actor, action, entity, entity_ref, before, after FROM audit_log
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${Math.min(filter.limit ?? 200, 1000)}`,
    args,
  });
  return rows.map((r) => ({
    at: String(r.at),
    actor: String(r.actor),
    action: String(r.action),
    entity: String(r.entity),
    ref: String(r.entity_ref),
    before: r.before === null ? null : JSON.parse(String(r.before)),
    after: r.after === null ? null : JSON.parse(String(r.after)),
  }));
}
