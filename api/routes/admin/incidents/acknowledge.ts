import { as } from '../../../commands/context.ts';
import { acknowledgeIncident } from '../../../commands/plan.ts';
import { idFromRef } from '../../../domain/refs.ts';
import { Incident } from '../../../domain/schemas.ts';
import type { AppDeps } from '../../../http/env.ts';
import { defineRoute, documentedRoutes, errors, IncidentRefParam, json } from '../../../http/openapi.ts';

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
