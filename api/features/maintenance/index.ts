/**
 * The maintenance feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { adminMaintenanceRoutes } from './api/index.ts';
export { extendMaintenance, postMaintenanceUpdate, readMaintenance, scheduleMaintenance } from './commands.ts';
export { createMaintenanceJob } from './job.ts';
export { maintenanceEntryLabel, type MaintenanceRecord, maintenanceStateLabel, toMaintenance } from './rules.ts';
export { loadMaintenances } from './store.ts';
