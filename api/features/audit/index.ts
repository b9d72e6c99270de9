/**
 * The audit feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it). Each command records its own
 * entry with `recordAudit`, inside its transaction.
 */
export { auditTrail } from './queries.ts';
export { type AuditEntry, type AuditRecord, listAudit, recordAudit } from './store.ts';
