/**
 * The notices feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { noticeLanes } from './lanes.ts';
export { loadMailTemplates } from './mail-templates.ts';
export { mailFrom, setupNotifications } from './wire.ts';
