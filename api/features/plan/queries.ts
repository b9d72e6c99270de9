/**
 * Reading the plan's measures, for the admin API, the desk, /metrics and the plan's watch:
 * the report of its success criteria, an incident's action items, and the incidents the
 * watch must look at (as stored: nothing to derive).
 */
import { NotFoundError } from '../../shared/errors.ts';
import { makeRef } from '../../shared/refs.ts';
import type { CommandDeps } from '../../platform/commands.ts';
import type { Executor } from '../../platform/db/client.ts';
import { loadIncident } from '../incidents/index.ts';
import { findActionItem, listActionItems } from './action-items-store.ts';
import { planReport, type PlanReport } from './report.ts';
import { ActionItem } from './rules.ts';
import type { ActionItemRecord } from './schemas.ts';
import { loadOpenForEscalation, loadPostmortemsOutstanding, loadReportIncidents } from './store.ts';

export { loadOpenForEscalation, loadPostmortemsOutstanding };

/** The plan report for incidents detected from `from` to `to` (whole UTC days, inclusive), as of now. */
export async function readPlanReport(deps: Pick<CommandDeps, 'db' | 'clock' | 'policy'>, range: { from: string; to: string }): Promise<PlanReport> {
  const start = `${range.from}T00:00:00.000Z`;
  const end = new Date(Date.parse(`${range.to}T00:00:00Z`) + 86_400_000).toISOString();
  const incidents = await loadReportIncidents(deps.db, start, end);
  return planReport(incidents, range, deps.clock.now(), deps.policy.updateIntervalMinutes);
}

/** An action item as the admin API and the desk show it at `now`. */
export const toActionItem = (r: ActionItemRecord, now: Date): ActionItem =>
  ActionItem.parse({
    id: r.id,
    incident: makeRef('incident', r.incidentId),
    title: r.title,
    owner: r.owner,
    dueAt: r.dueAt,
    createdAt: r.createdAt,
    completedAt: r.completedAt,
    overdue: r.completedAt === null && now.getTime() > Date.parse(r.dueAt),
  });

/** One of an incident's action items as stored; NotFoundError when it has no such item. */
export async function loadActionItem(db: Executor, incidentId: number, id: number): Promise<ActionItemRecord> {
  const item = await findActionItem(db, incidentId, id);
  if (!item)
    throw new NotFoundError(
      `[Action items] ${makeRef('incident', incidentId)} has no action item ${id}. Check the number against the incident's list of action items.`,
    );
  return item;
}

/** An incident's action items, oldest first; NotFoundError for an unknown incident. */
export async function readActionItems(deps: Pick<CommandDeps, 'db' | 'clock'>, incidentId: number): Promise<ActionItem[]> {
  await loadIncident(deps.db, incidentId);
  const now = deps.clock.now();
  return (await listActionItems(deps.db, incidentId)).map((r) => toActionItem(r, now));
}
