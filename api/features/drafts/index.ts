/**
 * The drafts feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { intakeRoutes } from './api/index.ts';
export { releaseDraftRoute } from './api/release.ts';
export { discardDraftIncident, publishDraftIncident } from './commands.ts';
export { IntakeMapping } from './rules.ts';
