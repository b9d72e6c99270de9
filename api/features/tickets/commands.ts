/**
 * Support staff record which customer tickets are about an incident. Internal: audited, never
 * published (no republish, no notice).
 */
import { insertTicket } from './store.ts';
import { loadIncident } from '../incidents/index.ts';
import { recordAudit } from '../audit/index.ts';
import { actorLabel } from '../../shared/actor.ts';
import { makeRef } from '../../shared/refs.ts';
import { Ticket, type LinkTicketInput } from '../../shared/schemas.ts';
import { ConflictError } from '../../shared/errors.ts';
import type { CommandContext } from '../../platform/commands.ts';

/** Links a ticket to an incident, audited; a ticket already linked there is a conflict. */
export async function linkTicket(ctx: CommandContext, incidentId: number, input: LinkTicketInput): Promise<Ticket> {
  const now = ctx.clock.now();
  const ref = makeRef('incident', incidentId);
  await ctx.db.write(async (tx) => {
    await loadIncident(tx, incidentId); // 404 for an unknown incident
    const linked = await insertTicket(tx, incidentId, input, { by: actorLabel(ctx.actor), at: now });
    if (!linked)
      throw new ConflictError(`[Tickets] ${input.system} ${input.id} is already linked to ${ref}.`, [
        { path: 'id', message: 'already linked to this incident' },
      ]);
    await recordAudit(tx, { actor: ctx.actor, action: 'ticket.link', entity: 'incident', ref, after: input }, now);
  });
  return Ticket.parse({ ...input, linkedBy: actorLabel(ctx.actor), linkedAt: now.toISOString() });
}
