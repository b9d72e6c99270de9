/** The uptime report as CSV: one row per service and month, every figure the JSON has. Pure. */
import { toCsvFile } from '../../platform/csv.ts';
import { SERVICE_STATUSES, SEVERITIES } from '../../shared/vocabulary.ts';
import type { UptimeReport } from './schemas.ts';

export const UPTIME_CSV_COLUMNS = [
  'service',
  'service_name',
  'month',
  'from',
  'to',
  'days',
  'counted_days',
  'uptime_percent',
  'downtime_minutes',
  ...SERVICE_STATUSES.map((s) => `${s}_minutes`),
  'maintenance_minutes',
  'maintenance_counts_as_downtime',
  ...SEVERITIES.map((s) => `incidents_${s.toLowerCase()}`),
] as const;

/** @example uptimeReportCsv(report).split('\r\n')[0] // 'service,service_name,month,from,to,days,…' */
export function uptimeReportCsv(report: UptimeReport): string {
  return toCsvFile(
    UPTIME_CSV_COLUMNS,
    report.services.flatMap((service) =>
      service.months.map((m) => [
        service.slug,
        service.name,
        m.month,
        m.from,
        m.to,
        m.days,
        m.countedDays,
        m.uptimePercent,
        m.downtimeMinutes,
        ...SERVICE_STATUSES.map((s) => m.minutes[s]),
        m.maintenanceMinutes,
        report.maintenanceCountsAsDowntime,
        ...SEVERITIES.map((s) => m.incidents[s]),
      ]),
    ),
  );
}
