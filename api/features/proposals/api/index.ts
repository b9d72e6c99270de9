import type { AppDeps } from '../../../deps.ts';
import { documentedRoutes } from '../../../platform/http/openapi.ts';
import { decideProposalRoutes } from './decide.ts';
import { listProposalsRoute } from './list.ts';

/** /api/admin/proposals: the status proposals alerts made, and a person's apply or dismiss. */
export const adminProposalRoutes = (deps: AppDeps) => documentedRoutes().route('/', listProposalsRoute(deps)).route('/', decideProposalRoutes(deps));
