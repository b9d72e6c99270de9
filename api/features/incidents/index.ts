/**
 * The incidents feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { adminIncidentRoutes } from './api/index.ts';
export {
  addAffectedServices,
  declareIncident,
  editIncident,
  editUpdate,
  insertUpdate,
  postIncidentUpdate,
  reopen,
  resolveServices,
  type WriteContext,
} from './commands.ts';
export { listIncidents, loadIncident, loadIncidents, noSuchIncident, readIncident } from './queries.ts';
export { bySeverityThenNewest, defaultNotify, planServiceChanges, POSTMORTEM_WINDOW_MS, postmortemDueAt, toIncident } from './rules.ts';
export type { IncidentFilter, IncidentRecord } from './schemas.ts';
export { shortLinkRoutes } from './short-links.ts';
