import { as } from '../../../platform/commands.ts';
import { postMaintenanceUpdate } from '../commands.ts';
import { Maintenance, PostMaintenanceUpdateInput } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, json, jsonBody, MaintenanceRefParam, publishErrors } from '../../../platform/http/openapi.ts';
import { idFromRef } from '../../../shared/refs.ts';

const post = defineRoute({
  method: 'post',
  path: '/{ref}/updates',
  summary: 'Post an update; status in_progress starts the window, completed ends it (409 once completed)',
  request: { params: MaintenanceRefParam, body: jsonBody(PostMaintenanceUpdateInput) },
  responses: { 201: json('Posted', Maintenance), ...publishErrors() },
});

/**
 * POST /api/admin/maintenance/:ref/updates — the timeline's next entry; `status` in_progress
 * starts the window (early, if need be), completed ends it (409 once completed).
 */
export const postMaintenanceUpdateRoute = (deps: AppDeps) =>
  documentedRoutes().openapi(post, async (c) =>
    c.json(await postMaintenanceUpdate(as(deps, c.get('actor')), idFromRef('maintenance', c.req.valid('param').ref), c.req.valid('json')), 201),
  );
