/**
 * The plan's measures (seed/incident-response-plan.md §6): acknowledging an incident, and the
 * report of MTTA, MTTR, postmortems, action items and update cadence.
 */
import { acknowledge, loadReportIncidents } from '../db/plan.ts';
import { planReport, type PlanReport } from '../domain/plan-report.ts';
import type { Incident } from '../domain/schemas.ts';
import type { CommandContext, CommandDeps } from './context.ts';
import { readIncident } from './incidents.ts';

/**
 * Records that the incident was acknowledged (once: again is a no-op, so the first
 * acknowledgement is the one MTTA measures). Internal only, so nothing is republished.
 */
export async function acknowledgeIncident(ctx: CommandContext, incidentId: number): Promise<Incident> {
  await ctx.db.write((tx) => acknowledge(tx, incidentId, ctx.actor, ctx.clock.now()));
  return readIncident(ctx, incidentId);
}

/** The plan report for incidents detected from `from` to `to` (whole UTC days, inclusive), as of now. */
export async function readPlanReport(deps: Pick<CommandDeps, 'db' | 'clock' | 'policy'>, range: { from: string; to: string }): Promise<PlanReport> {
  const start = `${range.from}T00:00:00.000Z`;
  const end = new Date(Date.parse(`${range.to}T00:00:00Z`) + 86_400_000).toISOString();
  const incidents = await loadReportIncidents(deps.db, start, end);
  return planReport(incidents, range, deps.clock.now(), deps.policy.updateIntervalMinutes);
}
