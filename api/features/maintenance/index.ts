/**
 * The maintenance feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { adminMaintenanceRoutes } from './api/index.ts';
export { extendMaintenance, leadTimesOf, postMaintenanceUpdate, rescheduleMaintenance, setMaintenanceReminders } from './commands.ts';
export { cancelMaintenanceSeries, readSeries, scheduleMaintenance, updateMaintenanceSeries } from './series-commands.ts';
export { renderMaintenanceCalendar, loadCalendarWindows } from './calendar.ts';
export { createMaintenanceJob } from './job.ts';
export { listMaintenances, loadMaintenances, readMaintenance } from './queries.ts';
export { maintenanceEntryLabel, maintenanceStateLabel, toMaintenance } from './rules.ts';
export type { MaintenanceRecord } from './schemas.ts';
