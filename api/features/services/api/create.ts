import { z } from 'zod';
import { as } from '../../../platform/commands.ts';
import { createService } from '../commands.ts';
import { CreateServiceInput, Service } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, json, jsonBody, writeErrors } from '../../../platform/http/openapi.ts';

const create = defineRoute({
  method: 'post',
  path: '/',
  summary: 'Create a service',
  request: { body: jsonBody(CreateServiceInput) },
  responses: {
    201: { ...json('Created', Service), headers: z.object({ Location: z.string().meta({ example: '/api/admin/services/api' }) }) },
    ...writeErrors(),
  },
});

/** POST /api/admin/services — a new service (409 when the slug is taken). */
export const createServiceRoute = (deps: AppDeps) =>
  documentedRoutes().openapi(create, async (c) => {
    const service = await createService(as(deps, c.get('actor')), c.req.valid('json'));
    return c.json(service, 201, { Location: `/api/admin/services/${service.slug}` });
  });
