import type { AppDeps } from '../../../http/env.ts';
import { documentedRoutes } from '../../../http/openapi.ts';
import { acknowledgeIncidentRoute } from './acknowledge.ts';
import { declareIncidentRoute } from './create.ts';
import { editIncidentRoute } from './edit.ts';
import { incidentFollowUpRoutes } from './follow-up.ts';
import { listIncidentsRoute } from './list.ts';
import { ticketRoutes } from './tickets.ts';
import { publishDraftRoute } from './publish.ts';
import { postIncidentUpdateRoute } from './update.ts';

/** Everything under /api/admin/incidents. */
export const adminIncidentRoutes = (deps: AppDeps) =>
  documentedRoutes()
    .route('/', declareIncidentRoute(deps))
    .route('/', listIncidentsRoute(deps))
    .route('/', postIncidentUpdateRoute(deps))
    .route('/', editIncidentRoute(deps))
    .route('/', acknowledgeIncidentRoute(deps))
    .route('/', incidentFollowUpRoutes(deps))
    .route('/', ticketRoutes(deps))
    .route('/', publishDraftRoute(deps));
