import { z } from 'zod';
import { readService, readServices } from '../queries.ts';
import { Service } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, errors, json, SlugParam } from '../../../platform/http/openapi.ts';

const list = defineRoute({
  method: 'get',
  path: '/',
  summary: 'List services',
  responses: { 200: json('Services', z.object({ services: z.array(Service) })), ...errors(401) },
});

const one = defineRoute({
  method: 'get',
  path: '/{slug}',
  summary: 'One service',
  request: { params: SlugParam },
  responses: { 200: json('The service', Service), ...errors(401, 404) },
});

/** GET /api/admin/services and /api/admin/services/:slug — each parsed by the outgoing schema. */
export const listServicesRoute = (deps: AppDeps) =>
  documentedRoutes()
    .openapi(list, async (c) => c.json({ services: await readServices(deps.db) }, 200))
    .openapi(one, async (c) => c.json(await readService(deps.db, c.req.valid('param').slug), 200));
