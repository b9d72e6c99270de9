import { as } from '../../../commands/context.ts';
import { publishDraftIncident } from '../../../commands/intake.ts';
import { idFromRef } from '../../../domain/refs.ts';
import { Incident, PublishDraftInput } from '../../../domain/schemas.ts';
import type { AppDeps } from '../../../http/env.ts';
import { defineRoute, documentedRoutes, IncidentRefParam, json, jsonBody, publishErrors } from '../../../http/openapi.ts';

const publish = defineRoute({
  method: 'post',
  path: '/{ref}/publish',
  summary: 'Publish a draft an alert opened, with its first public message (the body of an update; 409 once published)',
  request: { params: IncidentRefParam, body: jsonBody(PublishDraftInput) },
  responses: { 201: json('Published', Incident), ...publishErrors() },
});

/** POST /api/admin/incidents/:ref/publish — a person's first message makes a draft public and notifies as a declaration does. */
export const publishDraftRoute = (deps: AppDeps) =>
  documentedRoutes().openapi(publish, async (c) =>
    c.json(await publishDraftIncident(as(deps, c.get('actor')), idFromRef('incident', c.req.valid('param').ref), c.req.valid('json')), 201),
  );
