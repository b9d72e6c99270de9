import { as } from '../../../platform/commands.ts';
import { acknowledgeIncident } from '../commands.ts';
import { idFromRef } from '../../../shared/refs.ts';
import { Incident } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, errors, IncidentRefParam, json } from '../../../platform/http/openapi.ts';

const acknowledge = defineRoute({
  method: 'post',
  path: '/{ref}/acknowledge',
  summary: 'Acknowledge an incident (the first time counts for MTTA; again changes nothing)',
  request: { params: IncidentRefParam },
  responses: { 200: json('Acknowledged', Incident), ...errors(401, 403, 404) },
});

/** POST /api/admin/incidents/:ref/acknowledge — idempotent: `acknowledgedAt` keeps the first acknowledgement. */
export const acknowledgeIncidentRoute = (deps: AppDeps) =>
  documentedRoutes().openapi(acknowledge, async (c) =>
    c.json(await acknowledgeIncident(as(deps, c.get('actor')), idFromRef('incident', c.req.valid('param').ref)), 200),
  );
