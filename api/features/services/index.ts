/**
 * The services feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { adminServiceRoutes } from './api/index.ts';
export { syncCatalogue } from './catalogue.ts';
export { createService, editService, editServiceIn, type StatusOrigin } from './commands.ts';
export { getServiceEvent, listGroups, listServiceEvents, listServices, loadServiceOrigins, loadUptimeHistory, readService, readServices } from './queries.ts';
export { type Indicator, overallStatus, type OverallStatus } from './rollup.ts';
export type { ServiceEvent, ServiceEventDetail, ServiceGroup, ServiceOrigin, ServiceRow, UptimeHistory } from './schemas.ts';
// Steps other features' commands take inside their own transaction: the services an incident
// or a window names, and the status it sets on them.
export { getServicesBySlug, setServiceStatus } from './store.ts';
// Whether a person holds a service's status: the open incidents that name it (the upstreams feature asks).
export { openIncidentsNaming } from './store.ts';
export {
  computeUptime,
  createUptimeMemo,
  type DayLevel,
  downtimeMs,
  DOWNTIME_WEIGHT,
  formatPercent,
  nextUptimeRollover,
  statusTimeByDay,
  type StatusTime,
  type Uptime,
  UPTIME_DAYS,
  type UptimeInput,
  uptimeWindowStart,
} from './uptime.ts';
