/**
 * The drafts feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { intakeRoutes } from './api/index.ts';
export { releaseDraftRoute } from './api/release.ts';
export { discardDraftIncident, releaseDraftIncident } from './commands.ts';
export { INTAKE_LIMITS, IntakeMapping } from './rules.ts';
export { countOpenDrafts } from './store.ts';
