import { z } from 'zod';
import { listMaintenances, readMaintenance } from '../queries.ts';
import { Maintenance, MaintenanceListQuery } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, errors, json, MaintenanceRefParam } from '../../../platform/http/openapi.ts';
import { idFromRef } from '../../../shared/refs.ts';

const list = defineRoute({
  method: 'get',
  path: '/',
  summary: 'List maintenance windows: upcoming soonest first, the others latest first',
  request: { query: MaintenanceListQuery },
  responses: { 200: json('Maintenance windows', z.object({ maintenances: z.array(Maintenance) })), ...errors(400, 401) },
});

const one = defineRoute({
  method: 'get',
  path: '/{ref}',
  summary: 'One maintenance window with its timeline',
  request: { params: MaintenanceRefParam },
  responses: { 200: json('The window', Maintenance), ...errors(401, 404) },
});

/**
 * GET /api/admin/maintenance?state=upcoming|active|completed|all — upcoming soonest first,
 * the others latest first.
 * GET /api/admin/maintenance/:ref — one window with its timeline.
 */
export const listMaintenanceRoute = (deps: AppDeps) =>
  documentedRoutes()
    .openapi(list, async (c) => c.json({ maintenances: await listMaintenances(deps, c.req.valid('query')) }, 200))
    .openapi(one, async (c) => c.json(await readMaintenance(deps, idFromRef('maintenance', c.req.valid('param').ref)), 200));
