/**
 * The reports feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { uptimeReportRoutes } from './api.ts';
export { uptimeReportCsv } from './csv.ts';
export { readUptimeReport } from './queries.ts';
export { MaintenanceRule, type UptimeReport, UptimeReportQuery } from './schemas.ts';
