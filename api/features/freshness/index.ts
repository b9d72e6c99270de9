/**
 * The freshness feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { freshnessRoutes } from './api.ts';
export { assessOpenIncidents } from './assess.ts';
export { escalationLevelDue, EscalationMatrix } from './escalation.ts';
export { freshnessReport, reportLine } from './metrics.ts';
export { commanderAddress } from './recipients.ts';
export { countdown } from './rules.ts';
export { listFlags, listNotices } from './store.ts';
export { createWatchdog } from './watchdog.ts';
