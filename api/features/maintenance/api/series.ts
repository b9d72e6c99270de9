import { as } from '../../../platform/commands.ts';
import { cancelMaintenanceSeries, readSeries, updateMaintenanceSeries } from '../series-commands.ts';
import { CancelMaintenanceSeriesInput, MaintenanceSeries, UpdateMaintenanceSeriesInput } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, errors, idParam, json, jsonBody, publishErrors } from '../../../platform/http/openapi.ts';

const one = defineRoute({
  method: 'get',
  path: '/series/{id}',
  summary: 'A recurring series (a window scheduled with `recurrence`) and its occurrences so far',
  request: { params: idParam('id') },
  responses: { 200: json('The series', MaintenanceSeries), ...errors(401, 404) },
});

const update = defineRoute({
  method: 'patch',
  path: '/series/{id}',
  summary: 'Change a series’ title, duration, reminders or end; its occurrences not yet started follow, those past a new end are cancelled',
  request: { params: idParam('id'), body: jsonBody(UpdateMaintenanceSeriesInput) },
  responses: { 200: json('The series', MaintenanceSeries), ...publishErrors() },
});

const cancel = defineRoute({
  method: 'post',
  path: '/series/{id}/cancel',
  summary: 'Cancel a series: no more occurrences, and each one not yet started is cancelled (STATUS:CANCELLED in the calendar)',
  request: { params: idParam('id'), body: jsonBody(CancelMaintenanceSeriesInput) },
  responses: { 201: json('Cancelled', MaintenanceSeries), ...publishErrors() },
});

const idOf = (id: string) => Number(id) || 0;

/** GET, PATCH /api/admin/maintenance/series/:id and POST …/:id/cancel. */
export const maintenanceSeriesRoutes = (deps: AppDeps) =>
  documentedRoutes()
    .openapi(one, async (c) => c.json(await readSeries(deps, idOf(c.req.valid('param').id)), 200))
    .openapi(update, async (c) => c.json(await updateMaintenanceSeries(as(deps, c.get('actor')), idOf(c.req.valid('param').id), c.req.valid('json')), 200))
    .openapi(cancel, async (c) => c.json(await cancelMaintenanceSeries(as(deps, c.get('actor')), idOf(c.req.valid('param').id), c.req.valid('json')), 201));
