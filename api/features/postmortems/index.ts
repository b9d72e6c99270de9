/**
 * The postmortems feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { postmortemRoutes } from './api.ts';
export { recordIncidentPostmortem } from './commands.ts';
export { POSTMORTEM_MAX_CHARS, RecordPostmortemInput } from './rules.ts';
