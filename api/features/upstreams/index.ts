/**
 * The upstreams feature's one door: following other companies' status pages for the services
 * that depend on them (content/services.json `upstream`, docs/upstreams.md). Import from here,
 * never from a file inside the folder (tests/architecture checks it).
 */
export { recordReading, syncUpstreams, upstreamActor } from './commands.ts';
export { createUpstreamPoller, type UpstreamPoller, upstreamDeclarations } from './poller.ts';
export { listUpstreams, readUpstreamHealth, type UnreadableUpstream } from './queries.ts';
export { displayStatus, findIncident, incidentsUrl, mirroredStatus, nextDelay, nextState, readComponent, statuspageStatus, UNREADABLE_AFTER } from './rules.ts';
export type { DisplayStatus, Reading, UpstreamDeclaration, UpstreamIncident, UpstreamState, UpstreamView } from './schemas.ts';
