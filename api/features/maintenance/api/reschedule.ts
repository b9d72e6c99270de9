import { as } from '../../../platform/commands.ts';
import { rescheduleMaintenance, setMaintenanceReminders } from '../commands.ts';
import { idFromRef } from '../../../shared/refs.ts';
import { Maintenance, RescheduleMaintenanceInput, SetMaintenanceRemindersInput } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, json, jsonBody, MaintenanceRefParam, publishErrors, writeErrors } from '../../../platform/http/openapi.ts';

const reschedule = defineRoute({
  method: 'post',
  path: '/{ref}/reschedule',
  summary:
    'Move a window that has not started to a new start and end (409 once started, 422 `window_in_past` unless it ends ahead); its calendar SEQUENCE goes up',
  request: { params: MaintenanceRefParam, body: jsonBody(RescheduleMaintenanceInput) },
  responses: { 201: json('Rescheduled', Maintenance), ...publishErrors() },
});

const reminders = defineRoute({
  method: 'put',
  path: '/{ref}/reminders',
  summary: 'Set the reminders of a window that has not started, in minutes before its start ([] for none; 409 once started)',
  request: { params: MaintenanceRefParam, body: jsonBody(SetMaintenanceRemindersInput) },
  responses: { 200: json('Its reminders as now planned', Maintenance), ...writeErrors() },
});

/**
 * POST /api/admin/maintenance/:ref/reschedule — new times, said on the timeline and to subscribers.
 * PUT /api/admin/maintenance/:ref/reminders — the window's own lead times.
 */
export const rescheduleMaintenanceRoutes = (deps: AppDeps) =>
  documentedRoutes()
    .openapi(reschedule, async (c) =>
      c.json(await rescheduleMaintenance(as(deps, c.get('actor')), idFromRef('maintenance', c.req.valid('param').ref), c.req.valid('json')), 201),
    )
    .openapi(reminders, async (c) =>
      c.json(await setMaintenanceReminders(as(deps, c.get('actor')), idFromRef('maintenance', c.req.valid('param').ref), c.req.valid('json')), 200),
    );
