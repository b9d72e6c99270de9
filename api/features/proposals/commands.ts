/**
 * Status proposals: a signal (an alert firing or resolving; later, a Prometheus availability
 * check) proposes a status for its services, and a person applies or dismisses it from the
 * desk or the admin API. Applying goes through the services feature's own status step, so
 * the audit entry, the public event, webhooks and the republish are those of a manual change.
 * A service with "autoStatus" takes a proposal at once — its status only, never words.
 */
import { actorLabel } from '../../shared/actor.ts';
import { ConflictError, NotFoundError } from '../../shared/errors.ts';
import type { CommandContext } from '../../platform/commands.ts';
import { republish } from '../../platform/republish.ts';
import { recordAudit } from '../audit/index.ts';
import { editServiceIn, getServicesBySlug } from '../services/index.ts';
import { readProposal } from './queries.ts';
import { autoDecision, nextProposal } from './rules.ts';
import type { Proposal, StatusSignal } from './schemas.ts';
import { autoStatusOf, decideProposal, findProposal, getProposal, othersFiring, saveProposal } from './store.ts';

/** Who a proposal applied without a person is recorded as having been decided by. */
export const AUTOMATIC = 'automatic';

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const republishSite = (ctx: CommandContext) => republish(ctx, { incidents: [] });

/** What one call to `proposeStatus` did, per service named. */
export type ProposeOutcome = { service: string; proposal: number | null; state: Proposal['state'] | null; automatic: boolean }[];

/**
 * Proposes `signal.status` for each of its services (or, once the signal resolves,
 * `operational`): opens or updates the signal's proposal per service, by the rules of
 * `nextProposal`, and applies it at once for a service with "autoStatus" when `autoDecision`
 * lets it. Nothing else is published: a proposal is internal until someone applies it.
 *
 * @example await proposeStatus(ctx, { origin: 'availability', key: 'api', services: ['api'], status: 'major_outage', source: 'availability of api at 0 for 5 min', reason: '' })
 */
export async function proposeStatus(ctx: CommandContext, signal: StatusSignal): Promise<ProposeOutcome> {
  const now = ctx.clock.now();
  const firing = signal.firing ?? signal.status !== 'operational';
  const key = clip(signal.key ?? signal.source, 500);
  const source = clip(signal.source, 200);
  let changed = false;
  const outcome = await ctx.db.write(async (tx) => {
    const services = await getServicesBySlug(tx, [...new Set(signal.services)]);
    const done: ProposeOutcome = [];
    for (const service of services.values()) {
      const row = await findProposal(tx, signal.origin, key, service.id);
      const others = await othersFiring(tx, service.id, row?.id ?? null);
      const next = nextProposal(row, { firing, status: firing ? signal.status : 'operational' }, { current: service.status, othersFiring: others });
      if (!next) {
        done.push({ service: service.slug, proposal: null, state: null, automatic: false });
        continue;
      }
      const id = await saveProposal(
        tx,
        { origin: signal.origin, key, serviceId: service.id },
        { ...next, source, reason: clip(signal.reason, 500), link: signal.link ?? null },
        now,
      );
      const transition = !row || row.state !== next.state || row.firing !== next.firing || row.status !== next.status;
      if (transition && (next.state === 'open' || next.state === 'closed')) {
        await recordAudit(
          tx,
          {
            actor: ctx.actor,
            action: next.state === 'open' ? 'proposal.open' : 'proposal.close',
            entity: 'proposal',
            ref: String(id),
            ...(row ? { before: { state: row.state, status: row.status, firing: row.firing } } : {}),
            after: { service: service.slug, state: next.state, status: next.status, firing: next.firing, source },
          },
          now,
        );
      }
      let automatic = false;
      if (next.state === 'open' && (await autoStatusOf(tx, service.id)) && autoDecision(service.status, next.status, others).apply) {
        const note = `set automatically from ${source}`;
        changed = (await editServiceIn(tx, ctx, service.slug, { status: next.status }, { note, automatic: true })) || changed;
        await decideProposal(tx, id, 'applied', AUTOMATIC, now);
        await recordAudit(
          tx,
          { actor: ctx.actor, action: 'proposal.apply', entity: 'proposal', ref: String(id), after: { service: service.slug, status: next.status, note } },
          now,
        );
        automatic = true;
      }
      done.push({ service: service.slug, proposal: id, state: automatic ? 'applied' : next.state, automatic });
    }
    return done;
  });
  if (changed) await republishSite(ctx);
  return outcome;
}

/** The proposal if it is open, else the error saying why it cannot be acted on. */
function refuseUnlessOpen(proposal: Awaited<ReturnType<typeof getProposal>>, id: number) {
  if (!proposal)
    throw new NotFoundError(`[Proposals] No status proposal ${id}. The open ones are listed at GET /api/admin/proposals and on the desk's dashboard.`);
  if (proposal.state !== 'open') {
    throw new ConflictError(
      `[Proposals] Proposal ${id} (${proposal.service.name}: ${proposal.status}) is ${proposal.state}${proposal.decidedBy ? ` by ${proposal.decidedBy}` : ''}; nothing was done. Set the service's status directly if it still needs changing.`,
    );
  }
  return proposal;
}

/**
 * Applies an open proposal: sets the service's status as a person would (audited with who
 * applied it and from which signal, kept as a public event, sent to webhooks, republished).
 */
export async function applyProposal(ctx: CommandContext, id: number): Promise<Proposal> {
  const now = ctx.clock.now();
  const changed = await ctx.db.write(async (tx) => {
    const proposal = refuseUnlessOpen(await getProposal(tx, id), id);
    const note = `applied from ${proposal.source}`;
    const set = await editServiceIn(tx, ctx, proposal.service.slug, { status: proposal.status }, { note, automatic: false });
    await decideProposal(tx, id, 'applied', actorLabel(ctx.actor), now);
    await recordAudit(
      tx,
      {
        actor: ctx.actor,
        action: 'proposal.apply',
        entity: 'proposal',
        ref: String(id),
        after: { service: proposal.service.slug, status: proposal.status, note },
      },
      now,
    );
    return set;
  });
  if (changed) await republishSite(ctx);
  return readProposal(ctx.db, id);
}

/** Dismisses an open proposal: nothing is published, and it stays dismissed while its signal keeps firing. */
export async function dismissProposal(ctx: CommandContext, id: number): Promise<Proposal> {
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    refuseUnlessOpen(await getProposal(tx, id), id);
    await decideProposal(tx, id, 'dismissed', actorLabel(ctx.actor), now);
    await recordAudit(tx, { actor: ctx.actor, action: 'proposal.dismiss', entity: 'proposal', ref: String(id) }, now);
  });
  return readProposal(ctx.db, id);
}
