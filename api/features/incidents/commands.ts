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
} from './store.ts';
import { toIncident } from './rules.ts';
import {
  Incident,
  type CreateIncidentInput,
  type PatchIncidentInput,
  type PostUpdateInput,
  type ReopenInput,
} from '../../shared/schemas.ts';
import { republish } from '../../platform/republish.ts';
import type { CommandContext, CommandDeps } from '../../platform/commands.ts';
import { refuseLeaks } from '../../shared/leak-guard.ts';
import type { IncidentEvent } from '../../shared/notifier.ts';

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

/** The commander named in the incident, whose name stays internal; null when none is. */
const commanderOf = async (ctx: CommandContext, incidentId: number) => (await loadIncident(ctx.db, incidentId)).commander;

export const declareIncident = async (ctx: CommandContext, input: CreateIncidentInput) => {
  refuseLeaks({ title: input.title, message: input.message, impact: input.impact }, { commander: input.commander, acknowledged: input.acknowledgeWarnings });
  return commit(ctx, async (tx, write) => {
    const { incidentId, updateId } = await createIncident(tx, input, write);
    return { kind: 'created', incidentId, updateId };
  });
};

export const postIncidentUpdate = async (ctx: CommandContext, incidentId: number, input: PostUpdateInput) => {
  if (!input.acknowledgeWarnings) refuseLeaks({ message: input.message, rootCause: input.rootCause }, { commander: await commanderOf(ctx, incidentId) });
  return commit(ctx, async (tx, write) => {
    const updateId = await postUpdate(tx, incidentId, input, write);
    return { kind: input.status === 'resolved' ? 'resolved' : 'updated', incidentId, updateId };
  });
};

export const reopen = async (ctx: CommandContext, incidentId: number, input: ReopenInput) => {
  if (!input.acknowledgeWarnings) refuseLeaks({ message: input.message }, { commander: await commanderOf(ctx, incidentId) });
  return commit(ctx, async (tx, write) => ({ kind: 'reopened', incidentId, updateId: await reopenIncident(tx, incidentId, input, write) }));
};

export const editIncident = async (ctx: CommandContext, incidentId: number, patch: PatchIncidentInput) => {
  if (!patch.acknowledgeWarnings) {
    const commander = patch.commander === undefined ? await commanderOf(ctx, incidentId) : patch.commander;
    refuseLeaks({ title: patch.title, impact: patch.impact, rootCause: patch.rootCause }, { commander });
  }
  return commit(ctx, async (tx, write) => {
    await patchIncident(tx, incidentId, patch, write);
    return { kind: 'edited', incidentId, updateId: null };
  });
};

export const editUpdate = async (ctx: CommandContext, incidentId: number, updateId: number, message: string, options: { acknowledgeWarnings?: boolean | undefined } = {}) => {
  if (!options.acknowledgeWarnings) refuseLeaks({ message }, { commander: await commanderOf(ctx, incidentId) });
  return commit(ctx, async (tx, write) => {
    await editUpdateMessage(tx, incidentId, updateId, message, write);
    return { kind: 'edited', incidentId, updateId };
  });
};
