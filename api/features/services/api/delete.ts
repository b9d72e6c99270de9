import { as } from '../../../platform/commands.ts';
import { deleteService } from '../commands.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, errors, SlugParam } from '../../../platform/http/openapi.ts';

const remove = defineRoute({
  method: 'delete',
  path: '/{slug}',
  summary: 'Delete (archive) a service; 409 while an open incident names it',
  request: { params: SlugParam },
  responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404, 409) },
});

/** DELETE /api/admin/services/:slug — archives the service; refused while an open incident names it. */
export const deleteServiceRoute = (deps: AppDeps) =>
  documentedRoutes().openapi(remove, async (c) => {
    await deleteService(as(deps, c.get('actor')), c.req.valid('param').slug);
    return c.body(null, 204);
  });
