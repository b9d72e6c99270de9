/**
 * What the comms lead can do to an incident, whoever asks (the admin API, the desk, a script):
 * each command writes in one transaction — the incident change, its audit entry and, through
 * the notifier, every notice it owes — then republishes, and returns the incident as it now is.
 */
import type { Transaction } from '@libsql/client';
import {
  createIncident,
  editUpdateMessage,
  loadIncident,
  patchIncident,
  postUpdate,
  reopenIncident,
  type WriteContext,
} from '../db/incidents.ts';
import { toIncident } from '../domain/incident.ts';
import {
  Incident,
  type CreateIncidentInput,
  type PatchIncidentInput,
  type PostUpdateInput,
  type ReopenInput,
} from '../domain/schemas.ts';
import { republish } from '../publish/republish.ts';
import type { CommandContext, CommandDeps } from './context.ts';
import type { IncidentEvent } from './notifier.ts';

/** Loads an incident and shapes it exactly as the Incident schema says. */
export async function readIncident(deps: Pick<CommandDeps, 'db' | 'clock' | 'policy'>, id: number): Promise<Incident> {
  const record = await loadIncident(deps.db, id);
  return Incident.parse(toIncident(record, deps.clock.now(), deps.policy));
}

async function commit(ctx: CommandContext, work: (tx: Transaction, write: WriteContext) => Promise<IncidentEvent>): Promise<Incident> {
  const write: WriteContext = { actor: ctx.actor, now: ctx.clock.now(), updateIntervalMinutes: ctx.policy.updateIntervalMinutes };
  const event = await ctx.db.write(async (tx) => {
    const happened = await work(tx, write);
    await ctx.notifier.incidentChanged(tx, happened, write.now);
    return happened;
  });
  await republish(ctx, { incidents: [event.incidentId] });
  return readIncident(ctx, event.incidentId);
}

export const declareIncident = (ctx: CommandContext, input: CreateIncidentInput) =>
  commit(ctx, async (tx, write) => {
    const { incidentId, updateId } = await createIncident(tx, input, write);
    return { kind: 'created', incidentId, updateId };
  });

export const postIncidentUpdate = (ctx: CommandContext, incidentId: number, input: PostUpdateInput) =>
  commit(ctx, async (tx, write) => {
    const updateId = await postUpdate(tx, incidentId, input, write);
    return { kind: input.status === 'resolved' ? 'resolved' : 'updated', incidentId, updateId };
  });

export const reopen = (ctx: CommandContext, incidentId: number, input: ReopenInput) =>
  commit(ctx, async (tx, write) => ({ kind: 'reopened', incidentId, updateId: await reopenIncident(tx, incidentId, input, write) }));

export const editIncident = (ctx: CommandContext, incidentId: number, patch: PatchIncidentInput) =>
  commit(ctx, async (tx, write) => {
    await patchIncident(tx, incidentId, patch, write);
    return { kind: 'edited', incidentId, updateId: null };
  });

export const editUpdate = (ctx: CommandContext, incidentId: number, updateId: number, message: string) =>
  commit(ctx, async (tx, write) => {
    await editUpdateMessage(tx, incidentId, updateId, message, write);
    return { kind: 'edited', incidentId, updateId };
  });
