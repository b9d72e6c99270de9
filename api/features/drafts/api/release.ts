import { as } from '../../../platform/commands.ts';
import { discardDraftIncident, releaseDraftIncident } from '../commands.ts';
import { idFromRef } from '../../../shared/refs.ts';
import { Incident, ReleaseDraftInput } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, errors, IncidentRefParam, json, jsonBody, publishErrors } from '../../../platform/http/openapi.ts';

// The path keeps the word `publish` it was first documented with: scripts call it.
const release = defineRoute({
  method: 'post',
  path: '/{ref}/publish',
  summary: 'Release a draft an alert opened, making it public with its first message (the body of an update; 409 once released)',
  request: { params: IncidentRefParam, body: jsonBody(ReleaseDraftInput) },
  responses: { 201: json('Released', Incident), ...publishErrors() },
});

const discard = defineRoute({
  method: 'post',
  path: '/{ref}/discard',
  summary: 'Discard a draft nobody will release (a false alarm): it leaves the drafts list, never public; its alert group opens a new draft next time',
  request: { params: IncidentRefParam },
  responses: { 200: json('Discarded', Incident), ...errors(401, 403, 404, 409) },
});

/**
 * POST /api/admin/incidents/:ref/publish — releases a draft: a person's first message makes it public and notifies as a declaration does.
 * POST /api/admin/incidents/:ref/discard — a draft nobody will release.
 */
export const releaseDraftRoute = (deps: AppDeps) =>
  documentedRoutes()
    .openapi(release, async (c) =>
      c.json(await releaseDraftIncident(as(deps, c.get('actor')), idFromRef('incident', c.req.valid('param').ref), c.req.valid('json')), 201),
    )
    .openapi(discard, async (c) => c.json(await discardDraftIncident(as(deps, c.get('actor')), idFromRef('incident', c.req.valid('param').ref)), 200));
