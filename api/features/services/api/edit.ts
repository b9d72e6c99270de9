import { as } from '../../../platform/commands.ts';
import { editService } from '../commands.ts';
import { PatchServiceInput, Service } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, json, jsonBody, SlugParam, writeErrors } from '../../../platform/http/openapi.ts';

const edit = defineRoute({
  method: 'patch',
  path: '/{slug}',
  summary: 'Edit a service (name, description, group, order) or set its status',
  request: { params: SlugParam, body: jsonBody(PatchServiceInput) },
  responses: { 200: json('Edited', Service), ...writeErrors() },
});

/** PATCH /api/admin/services/:slug — a field left out is left as it is. */
export const editServiceRoute = (deps: AppDeps) =>
  documentedRoutes().openapi(edit, async (c) => c.json(await editService(as(deps, c.get('actor')), c.req.valid('param').slug, c.req.valid('json')), 200));
