/**
 * The plan's measures and follow-up (docs/incident-response-plan.md §2 Phase 5, §6):
 * acknowledging an incident, and the postmortem's action items (the postmortem itself is the
 * postmortems feature's). Each write checks its rules
 * and records its audit entry in its transaction.
 */
import type { Actor } from '../../shared/actor.ts';
import { makeRef } from '../../shared/refs.ts';
import type { Incident } from '../../shared/schemas.ts';
import type { CommandContext } from '../../platform/commands.ts';
import type { Executor } from '../../platform/db/client.ts';
import { recordAudit } from '../audit/index.ts';
import { loadIncident, readIncident } from '../incidents/index.ts';
import { insertActionItem, setActionItemCompletedAt } from './action-items-store.ts';
import { loadActionItem, toActionItem } from './queries.ts';
import { actionItemDueAt, type ActionItem, type CreateActionItemInput, type PatchActionItemInput } from './rules.ts';
import { markAcknowledged } from './store.ts';

/**
 * Inside the caller's transaction: records the first acknowledgement of an incident at `at`
 * and audits it; acknowledging again changes nothing (the first time is the one MTTA
 * measures). The drafts feature's intake takes it for a PagerDuty acknowledgement.
 * @returns whether this call recorded it.
 */
export async function acknowledge(tx: Executor, id: number, actor: Actor, at: Date): Promise<boolean> {
  await loadIncident(tx, id);
  if (!(await markAcknowledged(tx, id, at))) return false;
  await recordAudit(
    tx,
    { actor, action: 'incident.acknowledge', entity: 'incident', ref: makeRef('incident', id), after: { acknowledgedAt: at.toISOString() } },
    at,
  );
  return true;
}

/**
 * Records that the incident was acknowledged (once: again is a no-op, so the first
 * acknowledgement is the one MTTA measures). Internal only, so nothing is republished.
 */
export async function acknowledgeIncident(ctx: CommandContext, incidentId: number): Promise<Incident> {
  await ctx.db.write((tx) => acknowledge(tx, incidentId, ctx.actor, ctx.clock.now()));
  return readIncident(ctx, incidentId);
}

/** Adds an action item to an incident, due in 30 days unless said otherwise. Internal: nothing is republished. */
export async function addActionItem(ctx: CommandContext, incidentId: number, input: CreateActionItemInput): Promise<ActionItem> {
  const now = ctx.clock.now();
  const id = await ctx.db.write(async (tx) => {
    await loadIncident(tx, incidentId);
    const item = { incidentId, title: input.title, owner: input.owner, dueAt: actionItemDueAt(input.dueAt, now) };
    const id = await insertActionItem(tx, item, now);
    await recordAudit(
      tx,
      {
        actor: ctx.actor,
        action: 'action-item.create',
        entity: 'incident',
        ref: makeRef('incident', incidentId),
        after: { id, title: item.title, owner: item.owner, dueAt: item.dueAt },
      },
      now,
    );
    return id;
  });
  return toActionItem(await loadActionItem(ctx.db, incidentId, id), now);
}

/** Marks an action item done (keeping the first completion time) or not done; audited when it changes. */
export async function markActionItem(ctx: CommandContext, incidentId: number, id: number, input: PatchActionItemInput): Promise<ActionItem> {
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    const before = await loadActionItem(tx, incidentId, id);
    if ((before.completedAt !== null) === input.done) return;
    await setActionItemCompletedAt(tx, id, input.done ? now.toISOString() : null);
    await recordAudit(
      tx,
      {
        actor: ctx.actor,
        action: 'action-item.edit',
        entity: 'incident',
        ref: makeRef('incident', incidentId),
        before: { id, completedAt: before.completedAt },
        after: { id, done: input.done },
      },
      now,
    );
  });
  return toActionItem(await loadActionItem(ctx.db, incidentId, id), now);
}
