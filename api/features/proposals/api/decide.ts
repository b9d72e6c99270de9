import { as } from '../../../platform/commands.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import { applyProposal, dismissProposal } from '../commands.ts';
import { Proposal, ProposalId } from '../schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, idParam, json, writeErrors } from '../../../platform/http/openapi.ts';

const apply = defineRoute({
  method: 'post',
  path: '/{id}/apply',
  summary: "Apply an open status proposal: sets the service's status as a manual change would (audited, published, sent to webhooks)",
  request: { params: idParam('id') },
  responses: { 200: json('Applied', Proposal), ...writeErrors() },
});

const dismiss = defineRoute({
  method: 'post',
  path: '/{id}/dismiss',
  summary: 'Dismiss an open status proposal: nothing is published, and it stays dismissed while its alert keeps firing',
  request: { params: idParam('id') },
  responses: { 200: json('Dismissed', Proposal), ...writeErrors() },
});

/** The id a path names; an ill-formed one names no proposal (404). */
function idOf(raw: string): number {
  const id = ProposalId.safeParse(raw);
  if (!id.success) throw new NotFoundError(`[Proposals] No status proposal "${raw.slice(0, 40)}". GET /api/admin/proposals lists the open ones.`);
  return id.data;
}

/** POST /api/admin/proposals/:id/apply and /dismiss — the roles that may set a service's status (comms, admin). */
export const decideProposalRoutes = (deps: AppDeps) =>
  documentedRoutes()
    .openapi(apply, async (c) => c.json(await applyProposal(as(deps, c.get('actor')), idOf(c.req.valid('param').id)), 200))
    .openapi(dismiss, async (c) => c.json(await dismissProposal(as(deps, c.get('actor')), idOf(c.req.valid('param').id)), 200));
