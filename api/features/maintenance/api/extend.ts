import { as } from '../../../platform/commands.ts';
import { extendMaintenance } from '../commands.ts';
import { idFromRef } from '../../../shared/refs.ts';
import { ExtendMaintenanceInput, Maintenance } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, json, jsonBody, MaintenanceRefParam, publishErrors } from '../../../platform/http/openapi.ts';

const extend = defineRoute({
  method: 'post',
  path: '/{ref}/extend',
  summary: 'Move a window’s end later (400 unless later than its end, 409 once completed, 422 `window_in_past` unless still ahead)',
  request: { params: MaintenanceRefParam, body: jsonBody(ExtendMaintenanceInput) },
  responses: { 201: json('Extended', Maintenance), ...publishErrors() },
});

/** POST /api/admin/maintenance/:ref/extend — a later end, said on the timeline and to subscribers. */
export const extendMaintenanceRoute = (deps: AppDeps) =>
  documentedRoutes().openapi(extend, async (c) =>
    c.json(await extendMaintenance(as(deps, c.get('actor')), idFromRef('maintenance', c.req.valid('param').ref), c.req.valid('json')), 201),
  );
