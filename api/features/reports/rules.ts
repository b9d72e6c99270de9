/**
 * The uptime report: per service and calendar month (UTC), the uptime customers with an SLA
 * ask for, the minutes in each status, the incidents by severity and the maintenance. Pure: the
 * day-by-day time in each status is the status page's own (api/features/services/uptime.ts,
 * days counted whole), summed by month; `now` is injected.
 */
import { SERVICE_STATUSES, SEVERITIES, type ServiceStatus, type Severity } from '../../shared/vocabulary.ts';
import { downtimeMs, DOWNTIME_WEIGHT, formatPercent, statusTimeByDay, type StatusTime, type UptimeHistory } from '../services/index.ts';
import type { IncidentCount, MaintenanceRule, MaintenanceSpan, UptimeMonth, UptimeReport } from './schemas.ts';

const DAY_MS = 86_400_000;

export type UptimeReportInput = {
  range: { from: string; to: string };
  now: Date;
  maintenance: MaintenanceRule;
  services: readonly { id: number; slug: string; name: string; status: ServiceStatus }[];
  /** Each service's history from the range's first day (api/features/services/uptime-store.ts), by slug. */
  histories: ReadonlyMap<string, UptimeHistory>;
  incidents: readonly IncidentCount[];
  windows: readonly MaintenanceSpan[];
};

/**
 * The weights downtime is counted with: the status page's, and with maintenance as downtime when asked.
 * @example reportWeights('downtime').under_maintenance // 1
 */
export const reportWeights = (maintenance: MaintenanceRule): Record<ServiceStatus, number> => ({
  ...DOWNTIME_WEIGHT,
  under_maintenance: maintenance === 'downtime' ? 1 : 0,
});

/** Milliseconds as minutes to the hundredth. @example minutes(1_800_000) // 30 */
const minutes = (ms: number) => Math.round(ms / 600) / 100;

/**
 * The report over `range` (whole UTC days, both included). A month the range covers in part
 * reports the days it covers; a day before Herald knew the service or not yet begun is not
 * counted (`countedDays`), as on the status page.
 */
export function uptimeReport(input: UptimeReportInput): UptimeReport {
  const start = new Date(`${input.range.from}T00:00:00Z`);
  const days = Math.round((Date.parse(`${input.range.to}T00:00:00Z`) - start.getTime()) / DAY_MS) + 1;
  const weights = reportWeights(input.maintenance);
  const now = input.now.getTime();
  return {
    from: input.range.from,
    to: input.range.to,
    generatedAt: input.now.toISOString(),
    maintenanceCountsAsDowntime: input.maintenance === 'downtime',
    weights,
    services: input.services.map((service) => {
      const history = input.histories.get(service.slug) ?? { createdAt: input.now.toISOString(), knownSince: null, changes: [], incidents: [] };
      const windows = input.windows
        .filter((w) => w.serviceId === service.id)
        .map((w) => ({ from: Date.parse(w.startedAt), to: w.completedAt ? Date.parse(w.completedAt) : now }));
      const byDay = statusTimeByDay({ ...history, status: service.status, now: input.now }, start, days, windows);
      const months = new Map<string, typeof byDay>();
      for (const day of byDay) {
        const key = day.date.slice(0, 7);
        months.set(key, [...(months.get(key) ?? []), day]);
      }
      const incidents = input.incidents.filter((i) => i.serviceId === service.id);
      return {
        slug: service.slug,
        name: service.name,
        months: [...months].map(([month, list]): UptimeMonth => {
          const counted = list.filter((d) => d.counted);
          const ms: StatusTime = {};
          for (const day of counted) for (const [status, time] of Object.entries(day.ms) as [ServiceStatus, number][]) ms[status] = (ms[status] ?? 0) + time;
          const down = downtimeMs(ms, weights);
          const from = list[0]!.date;
          const to = list.at(-1)!.date;
          const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
          for (const i of incidents) if (i.day >= from && i.day <= to) bySeverity[i.severity] += i.count;
          return {
            month,
            from,
            to,
            days: list.length,
            countedDays: counted.length,
            uptimePercent: counted.length ? formatPercent(counted.length * DAY_MS, down) : null,
            downtimeMinutes: minutes(down),
            minutes: Object.fromEntries(SERVICE_STATUSES.map((s) => [s, minutes(ms[s] ?? 0)])) as Record<ServiceStatus, number>,
            maintenanceMinutes: minutes(ms.under_maintenance ?? 0),
            incidents: bySeverity,
          };
        }),
      };
    }),
  };
}
