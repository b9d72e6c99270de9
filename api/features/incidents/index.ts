/**
 * The incidents feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { adminIncidentRoutes } from './api/index.ts';
export { declareIncident, editIncident, editUpdate, postIncidentUpdate, readIncident, reopen } from './commands.ts';
export { bySeverityThenNewest, type IncidentRecord, planServiceChanges, POSTMORTEM_WINDOW_MS, postmortemDueAt, toIncident } from './rules.ts';
export { shortLinkRoutes } from './short-links.ts';
export { addAffectedServices, defaultNotify, insertUpdate, loadIncident, loadIncidents, resolveServices, type WriteContext } from './store.ts';
