/**
 * The uptime report's shapes: what it is asked for, what it answers, and the rows its store
 * reads. Shared by the admin API (and its OpenAPI document), the CSV and the desk.
 */
import { z } from 'zod';
import { CalendarDay, Slug } from '../../shared/schemas.ts';
import { SERVICE_STATUSES, SEVERITIES, type Severity } from '../../shared/vocabulary.ts';

/** How announced maintenance counts: not against uptime (`excluded`), or as downtime (`downtime`). */
export const MaintenanceRule = z.enum(['excluded', 'downtime']);
export type MaintenanceRule = z.infer<typeof MaintenanceRule>;

/** `?from=YYYY-MM-DD&to=YYYY-MM-DD` (UTC days, both included, at most ten years), optionally one `service` and how `maintenance` counts. */
export const UptimeReportQuery = z
  .object({
    from: CalendarDay,
    to: CalendarDay,
    service: Slug.optional().meta({ description: 'One service (its slug); every listed service when left out' }),
    maintenance: MaintenanceRule.optional().meta({
      description: 'Whether announced maintenance counts as downtime; REPORT_MAINTENANCE_AS_DOWNTIME (default: excluded) when left out',
    }),
  })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 3660 * 86_400_000, { message: 'at most ten years at a time', path: ['to'] });
export type UptimeReportQuery = z.infer<typeof UptimeReportQuery>;

const Minutes = z.number().meta({ description: 'minutes, to the hundredth' });
const StatusMinutes = z.object(Object.fromEntries(SERVICE_STATUSES.map((s) => [s, Minutes])) as Record<(typeof SERVICE_STATUSES)[number], typeof Minutes>);
const SeverityCounts = z.object(Object.fromEntries(SEVERITIES.map((s) => [s, z.number()])) as Record<Severity, z.ZodNumber>);

export const UptimeMonth = z.object({
  /** YYYY-MM (UTC). */
  month: z.string(),
  /** The range's first and last day in this month (a month the range only partly covers is partial). */
  from: z.string(),
  to: z.string(),
  /** Days of the range in the month, and those counted: Herald knew the service, and the day has begun. */
  days: z.number(),
  countedDays: z.number(),
  /** "99.90": uptime over the counted days, rounded down (as the status page shows it); null when no day counts. */
  uptimePercent: z.string().nullable(),
  downtimeMinutes: Minutes,
  /** Time in each status over the counted days (today: up to now); `under_maintenance` includes announced maintenance windows. */
  minutes: StatusMinutes,
  maintenanceMinutes: Minutes,
  /** Published incidents affecting the service that started in these days, by severity. */
  incidents: SeverityCounts,
});
export type UptimeMonth = z.infer<typeof UptimeMonth>;

export const UptimeReport = z
  .object({
    from: z.string(),
    to: z.string(),
    generatedAt: z.string(),
    maintenanceCountsAsDowntime: z.boolean(),
    /** The share of a minute in each status that counts as downtime. */
    weights: StatusMinutes,
    services: z.array(z.object({ slug: z.string(), name: z.string(), months: z.array(UptimeMonth) })),
  })
  .meta({ id: 'UptimeReport' });
export type UptimeReport = z.infer<typeof UptimeReport>;

/** Published incidents by service, month (YYYY-MM) and severity, as the store counts them. */
export type IncidentCount = { serviceId: number; day: string; severity: Severity; count: number };

/** A maintenance window that was in progress in the range, by service: [start, end) in ms, end null while in progress. */
export type MaintenanceSpan = { serviceId: number; startedAt: string; completedAt: string | null };
