/**
 * Reading the audit log, for the desk's audit page: one incident's whole trail (its own
 * entries and its updates'), or the latest entries of everything.
 */
import type { Executor } from '../../platform/db/client.ts';
import { listAudit, type AuditRecord } from './store.ts';

/** An incident's whole trail (up to 1,000 entries) when `incidentRef` names one, else the latest 200 entries; newest first. */
export async function auditTrail(db: Executor, incidentRef: string | null): Promise<AuditRecord[]> {
  return incidentRef ? listAudit(db, { incident: incidentRef, limit: 1000 }) : listAudit(db, { limit: 200 });
}
