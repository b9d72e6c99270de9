/** Reading status proposals, for the admin API and the desk. */
import { NotFoundError } from '../../shared/errors.ts';
import type { Executor } from '../../platform/db/client.ts';
import { Proposal, type ProposalState } from './schemas.ts';
import { getProposal, listProposals } from './store.ts';

/** The most proposals one list answers; open ones are few (one per firing alert and service). */
export const PROPOSALS_LISTED = 200;

const shape = ({ serviceId: _, ...proposal }: Awaited<ReturnType<typeof listProposals>>[number]): Proposal => Proposal.parse(proposal);

/** Proposals newest first: the open ones unless `states` says, for some services (slugs) when given. */
export async function readProposals(db: Executor, filter: { states?: readonly ProposalState[]; services?: readonly string[] } = {}): Promise<Proposal[]> {
  const rows = await listProposals(db, {
    states: filter.states ?? ['open'],
    ...(filter.services ? { services: filter.services } : {}),
    limit: PROPOSALS_LISTED,
  });
  return rows.map(shape);
}

export async function readProposal(db: Executor, id: number): Promise<Proposal> {
  const row = await getProposal(db, id);
  if (!row) throw new NotFoundError(`[Proposals] No status proposal ${id}. The open ones are listed at GET /api/admin/proposals.`);
  return shape(row);
}
