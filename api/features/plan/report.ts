/**
 * The plan's success criteria (docs/incident-response-plan.md §6), measured: MTTA and MTTR by
 * severity against the plan's targets, postmortems within 48 hours, action items done within
 * 30 days, and the 30-minute public update rule. Pure: the caller loads the rows and gives `now`.
 */
import { z } from 'zod';
import { postmortemDueAt } from '../incidents/index.ts';
import { CalendarDay as Day } from '../../shared/schemas.ts';
import { SEVERITIES, type Severity } from '../../shared/vocabulary.ts';
import type { ReportIncident } from './schemas.ts';

export type { ReportIncident };

const Seconds = z.number().nullable();
const Stat = z.object({ mean: Seconds, p90: Seconds });
type Stat = z.infer<typeof Stat>;
const SeverityFigures = z.object({
  incidents: z.number(),
  acknowledged: z.number(),
  resolved: z.number(),
  mttaSeconds: Stat,
  mttrSeconds: Stat,
});
const Target = z.object({ targetSeconds: z.number(), met: z.boolean().nullable().meta({ description: 'null when nothing was measured' }) });
type Target = z.infer<typeof Target>;
const Targets = z.object({ mtta: Target, mttr: Target });

/** The report's shape, for the admin API (and its OpenAPI document) and the desk page. */
export const PlanReport = z
  .object({
    from: z.string(),
    to: z.string(),
    bySeverity: z.object({ P0: SeverityFigures, P1: SeverityFigures, P2: SeverityFigures, P3: SeverityFigures }),
    targets: z.object({ P0: Targets, P1: Targets }),
    postmortems: z.object({ due: z.number(), onTime: z.number(), late: z.number(), missing: z.number() }),
    actionItems: z.object({
      total: z.number(),
      done: z.number(),
      doneWithin30Days: z.number(),
      completionRate: z.number().nullable(),
      target: z.number(),
    }),
    updates: z.object({ due: z.number(), onTime: z.number() }),
    mttrByMonth: z.array(z.object({ month: z.string(), resolved: z.number(), mttrSeconds: Seconds })),
  })
  .meta({ id: 'PlanReport' });
export type PlanReport = z.infer<typeof PlanReport>;
type SeverityFigures = z.infer<typeof SeverityFigures>;

/** `?from=YYYY-MM-DD&to=YYYY-MM-DD`, both inclusive, at most ten years apart. */
export const PlanReportQuery = z
  .object({ from: Day, to: Day })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 3660 * 86_400_000, { message: 'at most ten years at a time', path: ['to'] });

const MINUTE = 60;
const HOUR = 3600;
const DAY_MS = 86_400_000;

/** The plan's targets: MTTA < 5 min for P0/P1, MTTR < 1 h for P0 and < 4 h for P1. */
const PLAN_TARGETS = {
  P0: { mttaSeconds: 5 * MINUTE, mttrSeconds: 1 * HOUR },
  P1: { mttaSeconds: 5 * MINUTE, mttrSeconds: 4 * HOUR },
} as const;

/** The plan tracks action items to "90% completion rate within 30 days". */
const ACTION_ITEM_WINDOW_DAYS = 30;
const ACTION_ITEM_TARGET = 0.9;

/**
 * The mean and the 90th percentile (nearest rank) of `values`; nulls when there are none.
 * @example stat([60, 120, 600]) // { mean: 260, p90: 600 }
 */
export function stat(values: readonly number[]): Stat {
  if (values.length === 0) return { mean: null, p90: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  const p90 = sorted[Math.ceil(0.9 * sorted.length) - 1]!;
  return { mean: Math.round(mean), p90 };
}

const seconds = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 1000);

/**
 * Whether each due public update came on time: every update of an unresolved incident promises
 * the next by its `nextUpdateBy` (never more than the interval away), so each gap between
 * consecutive updates is one deadline, met when the next update came by it; an open incident's
 * last promise counts once its deadline has passed.
 * @example updateDeadlines([{ status: 'investigating', createdAt: '…T10:00Z', nextUpdateBy: '…T10:30Z' }, { status: 'resolved', createdAt: '…T10:20Z', nextUpdateBy: null }], now, 30) // { due: 1, onTime: 1 }
 */
export function updateDeadlines(updates: ReportIncident['updates'], now: Date, intervalMinutes: number): { due: number; onTime: number } {
  let due = 0;
  let onTime = 0;
  updates.forEach((update, i) => {
    if (update.status === 'resolved') return;
    const deadline = update.nextUpdateBy ? Date.parse(update.nextUpdateBy) : Date.parse(update.createdAt) + intervalMinutes * 60_000;
    const next = updates[i + 1];
    if (next) {
      due += 1;
      if (Date.parse(next.createdAt) <= deadline) onTime += 1;
    } else if (deadline < now.getTime()) due += 1;
  });
  return { due, onTime };
}

/**
 * The report for incidents detected between `from` and `to` (whole UTC days, inclusive).
 * MTTA is detection to acknowledgement, MTTR detection to resolution, over the incidents that
 * have them. A postmortem counts as due once completed or once its 48 hours have passed:
 * `due = onTime + late + missing`. An action item counts in the completion rate once done or
 * once its 30 days have passed, so a recent range is not read as failing for items still in time.
 */
export function planReport(incidents: readonly ReportIncident[], range: { from: string; to: string }, now: Date, intervalMinutes: number): PlanReport {
  const start = Date.parse(`${range.from}T00:00:00Z`);
  const end = Date.parse(`${range.to}T00:00:00Z`) + DAY_MS;
  const inRange = incidents.filter((i) => {
    const at = Date.parse(i.detectedAt);
    return at >= start && at < end;
  });
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((severity) => {
      const own = inRange.filter((i) => i.severity === severity);
      const mtta = own.flatMap((i) => (i.acknowledgedAt ? [Math.max(0, seconds(i.detectedAt, i.acknowledgedAt))] : []));
      const mttr = own.flatMap((i) => (i.resolvedAt ? [Math.max(0, seconds(i.detectedAt, i.resolvedAt))] : []));
      return [severity, { incidents: own.length, acknowledged: mtta.length, resolved: mttr.length, mttaSeconds: stat(mtta), mttrSeconds: stat(mttr) }];
    }),
  ) as Record<Severity, SeverityFigures>;
  const target = (value: number | null, targetSeconds: number): Target => ({ targetSeconds, met: value === null ? null : value < targetSeconds });
  const targets = {
    P0: {
      mtta: target(bySeverity.P0.mttaSeconds.mean, PLAN_TARGETS.P0.mttaSeconds),
      mttr: target(bySeverity.P0.mttrSeconds.mean, PLAN_TARGETS.P0.mttrSeconds),
    },
    P1: {
      mtta: target(bySeverity.P1.mttaSeconds.mean, PLAN_TARGETS.P1.mttaSeconds),
      mttr: target(bySeverity.P1.mttrSeconds.mean, PLAN_TARGETS.P1.mttrSeconds),
    },
  };

  const postmortems = { due: 0, onTime: 0, late: 0, missing: 0 };
  for (const incident of inRange) {
    const dueAt = postmortemDueAt(incident.severity, incident.resolvedAt);
    if (!dueAt) continue;
    if (incident.postmortemCompletedAt) {
      postmortems.due += 1;
      if (Date.parse(incident.postmortemCompletedAt) <= Date.parse(dueAt)) postmortems.onTime += 1;
      else postmortems.late += 1;
    } else if (Date.parse(dueAt) < now.getTime()) {
      postmortems.due += 1;
      postmortems.missing += 1;
    }
  }

  const windowMs = ACTION_ITEM_WINDOW_DAYS * DAY_MS;
  const items = inRange.flatMap((i) => i.actionItems);
  const done = items.filter((a) => a.completedAt);
  const doneWithin30Days = done.filter((a) => Date.parse(a.completedAt!) - Date.parse(a.createdAt) <= windowMs).length;
  const measurable = items.filter(
    (a) => (a.completedAt && Date.parse(a.completedAt) - Date.parse(a.createdAt) <= windowMs) || Date.parse(a.createdAt) + windowMs <= now.getTime(),
  ).length;

  const updates = { due: 0, onTime: 0 };
  for (const incident of inRange) {
    const counted = updateDeadlines(incident.updates, now, intervalMinutes);
    updates.due += counted.due;
    updates.onTime += counted.onTime;
  }

  return {
    from: range.from,
    to: range.to,
    bySeverity,
    targets,
    postmortems,
    actionItems: {
      total: items.length,
      done: done.length,
      doneWithin30Days,
      completionRate: measurable === 0 ? null : doneWithin30Days / measurable,
      target: ACTION_ITEM_TARGET,
    },
    updates,
    mttrByMonth: mttrByMonth(inRange, range),
  };
}

/** Mean time to resolution per calendar month (UTC) of detection, every month of the range listed. */
function mttrByMonth(incidents: readonly ReportIncident[], range: { from: string; to: string }): PlanReport['mttrByMonth'] {
  const months: string[] = [];
  let [year, month] = range.from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = range.to.slice(0, 7);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last || months.length >= 120) break;
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
  }
  return months.map((key) => {
    const values = incidents.filter((i) => i.resolvedAt && i.detectedAt.startsWith(key)).map((i) => Math.max(0, seconds(i.detectedAt, i.resolvedAt!)));
    return { month: key, resolved: values.length, mttrSeconds: stat(values).mean };
  });
}
