import type { AppDeps } from '../../../deps.ts';
import { documentedRoutes } from '../../../platform/http/openapi.ts';
import { declareIncidentRoute } from './create.ts';
import { editIncidentRoute } from './edit.ts';
import { listIncidentsRoute } from './list.ts';
import { postIncidentUpdateRoute } from './update.ts';

/** The incident's own routes under /api/admin/incidents (the plan, tickets and drafts mount theirs beside them in api/app.ts). */
export const adminIncidentRoutes = (deps: AppDeps) =>
  documentedRoutes()
    .route('/', declareIncidentRoute(deps))
    .route('/', listIncidentsRoute(deps))
    .route('/', postIncidentUpdateRoute(deps))
    .route('/', editIncidentRoute(deps));
