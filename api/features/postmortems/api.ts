import { as } from '../../platform/commands.ts';
import { recordIncidentPostmortem } from './commands.ts';
import { RecordPostmortemInput } from './rules.ts';
import { idFromRef } from '../../shared/refs.ts';
import { Incident } from '../../shared/schemas.ts';
import type { AppDeps } from '../../deps.ts';
import { defineRoute, documentedRoutes, IncidentRefParam, json, jsonBody, publishErrors } from '../../platform/http/openapi.ts';

const postmortem = defineRoute({
  method: 'post',
  path: '/{ref}/postmortem',
  summary:
    "A resolved incident's postmortem: its link and completion (P0/P1: due 48 h after resolution), and the customer-facing text — saved as a draft, or published (completing it) and optionally announced to its subscribers",
  request: { params: IncidentRefParam, body: jsonBody(RecordPostmortemInput) },
  responses: { 200: json('Recorded', Incident), ...publishErrors() },
});

/** POST /api/admin/incidents/:ref/postmortem */
export const postmortemRoutes = (deps: AppDeps) =>
  documentedRoutes().openapi(postmortem, async (c) =>
    c.json(await recordIncidentPostmortem(as(deps, c.get('actor')), idFromRef('incident', c.req.valid('param').ref), c.req.valid('json')), 200),
  );
