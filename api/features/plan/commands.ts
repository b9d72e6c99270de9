/**
 * The plan's measures and follow-up (docs/incident-response-plan.md §2 Phase 5, §6):
 * acknowledging an incident, the postmortem and its action items, and the report of MTTA,
 * MTTR, postmortems, action items and update cadence. Each write audits in its transaction.
 */
import { getActionItem, insertActionItem, listActionItems, recordPostmortem, setActionItemDone, type ActionItemRecord } from './action-items-store.ts';
import { loadIncident } from '../incidents/index.ts';
import { acknowledge, loadReportIncidents } from './store.ts';
import { planReport, type PlanReport } from './report.ts';
import { ActionItem, actionItemDueAt, type CreateActionItemInput, type PatchActionItemInput, type RecordPostmortemInput } from './rules.ts';
import { makeRef } from '../../shared/refs.ts';
import type { Incident } from '../../shared/schemas.ts';
import { republish } from '../../platform/republish.ts';
import type { CommandContext, CommandDeps } from '../../platform/commands.ts';
import { readIncident } from '../incidents/index.ts';

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

/** An action item as the admin API and the desk show it. */
const toActionItem = (r: ActionItemRecord, now: Date): ActionItem => ({
  id: r.id,
  incident: makeRef('incident', r.incidentId),
  title: r.title,
  owner: r.owner,
  dueAt: r.dueAt,
  createdAt: r.createdAt,
  completedAt: r.completedAt,
  overdue: r.completedAt === null && now.getTime() > Date.parse(r.dueAt),
});

export async function readActionItems(deps: Pick<CommandDeps, 'db' | 'clock'>, incidentId: number): Promise<ActionItem[]> {
  await loadIncident(deps.db, incidentId);
  const now = deps.clock.now();
  return (await listActionItems(deps.db, incidentId)).map((r) => ActionItem.parse(toActionItem(r, now)));
}

/**
 * Records the postmortem's link and whether it is complete. The link is public (the incident
 * page shows it), so the incident is republished; the completion time is internal.
 */
export async function recordIncidentPostmortem(ctx: CommandContext, incidentId: number, input: RecordPostmortemInput): Promise<Incident> {
  await ctx.db.write((tx) => recordPostmortem(tx, incidentId, input, ctx.actor, ctx.clock.now()));
  await republish(ctx, { incidents: [incidentId] });
  return readIncident(ctx, incidentId);
}

/** Adds an action item to an incident, due in 30 days unless said otherwise. Internal: nothing is republished. */
export async function addActionItem(ctx: CommandContext, incidentId: number, input: CreateActionItemInput): Promise<ActionItem> {
  const now = ctx.clock.now();
  const id = await ctx.db.write(async (tx) => {
    await loadIncident(tx, incidentId);
    return insertActionItem(tx, { incidentId, title: input.title, owner: input.owner, dueAt: actionItemDueAt(input.dueAt, now) }, ctx.actor, now);
  });
  return ActionItem.parse(toActionItem(await getActionItem(ctx.db, incidentId, id), now));
}

/** Marks an action item done or not done. */
export async function markActionItem(ctx: CommandContext, incidentId: number, id: number, input: PatchActionItemInput): Promise<ActionItem> {
  const now = ctx.clock.now();
  await ctx.db.write((tx) => setActionItemDone(tx, incidentId, id, input.done, ctx.actor, now));
  return ActionItem.parse(toActionItem(await getActionItem(ctx.db, incidentId, id), now));
}
