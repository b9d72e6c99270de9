/**
 * The search feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { asksForAnything, IncidentSearchQuery, searchCriteria } from './schemas.ts';
export { type IncidentSearch, searchIncidentIds } from './store.ts';
