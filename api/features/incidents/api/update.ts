import { as } from '../../../platform/commands.ts';
import { postIncidentUpdate, reopen } from '../commands.ts';
import { Incident, PostUpdateInput, ReopenInput } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, IncidentRefParam, json, jsonBody, publishErrors } from '../../../platform/http/openapi.ts';
import { idFromRef } from '../../../shared/refs.ts';

const post = defineRoute({
  method: 'post',
  path: '/{ref}/updates',
  summary: 'Post the next update (409 once resolved)',
  request: { params: IncidentRefParam, body: jsonBody(PostUpdateInput) },
  responses: { 201: json('Posted', Incident), ...publishErrors() },
});

const reopenRoute = defineRoute({
  method: 'post',
  path: '/{ref}/reopen',
  summary: 'Reopen a resolved incident',
  request: { params: IncidentRefParam, body: jsonBody(ReopenInput) },
  responses: { 201: json('Reopened', Incident), ...publishErrors() },
});

/**
 * POST /api/admin/incidents/:ref/updates — the timeline's next entry (409 once resolved).
 * POST /api/admin/incidents/:ref/reopen — brings a resolved incident back, explicitly.
 */
export const postIncidentUpdateRoute = (deps: AppDeps) =>
  documentedRoutes()
    .openapi(post, async (c) =>
      c.json(await postIncidentUpdate(as(deps, c.get('actor')), idFromRef('incident', c.req.valid('param').ref), c.req.valid('json')), 201),
    )
    .openapi(reopenRoute, async (c) =>
      c.json(await reopen(as(deps, c.get('actor')), idFromRef('incident', c.req.valid('param').ref), c.req.valid('json')), 201),
    );
