import { z } from 'zod';
import { readProposals } from '../queries.ts';
import { Proposal, ProposalState } from '../schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, errors, json } from '../../../platform/http/openapi.ts';

const list = defineRoute({
  method: 'get',
  path: '/',
  summary: 'Status proposals from alerts and signals, newest first (the open ones unless `state` says)',
  request: {
    query: z.object({
      state: z
        .union([ProposalState, z.literal('all')])
        .default('open')
        .meta({ description: 'open (default), applied, dismissed, closed, or all' }),
    }),
  },
  responses: { 200: json('Proposals', z.object({ proposals: z.array(Proposal) })), ...errors(400, 401, 403) },
});

/** GET /api/admin/proposals — every role that reads the desk may list them. */
export const listProposalsRoute = (deps: AppDeps) =>
  documentedRoutes().openapi(list, async (c) => {
    const { state } = c.req.valid('query');
    const states = state === 'all' ? ProposalState.options : [state];
    return c.json({ proposals: await readProposals(deps.db, { states }) }, 200);
  });
