import { as } from '../../../platform/commands.ts';
import { discardDraftIncident, publishDraftIncident } from '../commands.ts';
import { idFromRef } from '../../../shared/refs.ts';
import { Incident, PublishDraftInput } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, errors, IncidentRefParam, json, jsonBody, publishErrors } from '../../../platform/http/openapi.ts';

const publish = defineRoute({
  method: 'post',
  path: '/{ref}/publish',
  summary: 'Publish a draft an alert opened, with its first public message (the body of an update; 409 once published)',
  request: { params: IncidentRefParam, body: jsonBody(PublishDraftInput) },
  responses: { 201: json('Published', Incident), ...publishErrors() },
});

const discard = defineRoute({
  method: 'post',
  path: '/{ref}/discard',
  summary: 'Discard a draft nobody will publish (a false alarm): it leaves the drafts list, never public; its alert group opens a new draft next time',
  request: { params: IncidentRefParam },
  responses: { 200: json('Discarded', Incident), ...errors(401, 403, 404, 409) },
});

/**
 * POST /api/admin/incidents/:ref/publish — a person's first message makes a draft public and notifies as a declaration does.
 * POST /api/admin/incidents/:ref/discard — a draft nobody will publish.
 */
export const releaseDraftRoute = (deps: AppDeps) =>
  documentedRoutes()
    .openapi(publish, async (c) =>
      c.json(await publishDraftIncident(as(deps, c.get('actor')), idFromRef('incident', c.req.valid('param').ref), c.req.valid('json')), 201),
    )
    .openapi(discard, async (c) => c.json(await discardDraftIncident(as(deps, c.get('actor')), idFromRef('incident', c.req.valid('param').ref)), 200));
