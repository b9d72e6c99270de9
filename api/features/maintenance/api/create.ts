import { z } from 'zod';
import { as } from '../../../platform/commands.ts';
import { scheduleMaintenance } from '../series-commands.ts';
import { CreateMaintenanceInput, Maintenance } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, json, jsonBody, publishErrors } from '../../../platform/http/openapi.ts';

const schedule = defineRoute({
  method: 'post',
  path: '/',
  summary: 'Schedule a maintenance window (started at once if its start has passed; 422 `window_in_past` if its end has)',
  request: { body: jsonBody(CreateMaintenanceInput) },
  responses: {
    201: { ...json('Scheduled', Maintenance), headers: z.object({ Location: z.string().meta({ example: '/api/admin/maintenance/MNT-7' }) }) },
    ...publishErrors(),
  },
});

/** POST /api/admin/maintenance — schedules a window with its first update. */
export const scheduleMaintenanceRoute = (deps: AppDeps) =>
  documentedRoutes().openapi(schedule, async (c) => {
    const maintenance = await scheduleMaintenance(as(deps, c.get('actor')), c.req.valid('json'));
    return c.json(maintenance, 201, { Location: `/api/admin/maintenance/${maintenance.ref}` });
  });
