/**
 * The services feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { adminServiceRoutes } from './api/index.ts';
export { syncCatalogue } from './catalogue.ts';
export { createService, editService } from './commands.ts';
export { type Indicator, overallStatus, type OverallStatus } from './rollup.ts';
export { getServiceEvent, getServicesBySlug, listGroups, listServiceEvents, listServices, type ServiceEvent, type ServiceEventDetail, type ServiceGroup, type ServiceRow, setServiceStatus } from './store.ts';
export { loadUptimeHistory, type UptimeHistory } from './uptime-store.ts';
export { computeUptime, createUptimeMemo, type DayLevel, nextUptimeRollover, type Uptime, UPTIME_DAYS, type UptimeInput, uptimeWindowStart } from './uptime.ts';
