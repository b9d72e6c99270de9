/**
 * The audit feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { type AuditRecord, listAudit, recordAudit } from './store.ts';
