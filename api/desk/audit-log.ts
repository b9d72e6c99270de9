import type { Executor } from '../db/client.ts';
import type { AuditRecord } from '../db/audit.ts';

/**
 * An incident's audit trail: its own entries (INC-7) and its updates' (INC-7/12), newest
 * first. `listAudit` matches one exact reference; an incident's trail spans several.
 */
export async function incidentAudit(db: Executor, ref: string, limit = 1000): Promise<AuditRecord[]> {
  const { rows } = await db.execute({
    sql: `SELECT at, actor, action, entity, entity_ref, before, after FROM audit_log
          WHERE entity_ref = ? OR (entity = 'update' AND entity_ref LIKE ? ESCAPE '\\')
          ORDER BY id DESC LIMIT ?`,
    args: [ref, `${ref.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`, limit],
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
