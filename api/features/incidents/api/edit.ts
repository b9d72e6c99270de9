import { z } from 'zod';
import { as } from '../../../platform/commands.ts';
import { editIncident, editUpdate } from '../commands.ts';
import { Incident, PatchIncidentInput, PatchUpdateInput } from '../../../shared/schemas.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, idParam, IncidentRefParam, json, jsonBody, publishErrors } from '../../../platform/http/openapi.ts';
import { idFromRef } from '../../../shared/refs.ts';

const UpdateId = z.coerce.number().int().positive();

const editFields = defineRoute({
  method: 'patch',
  path: '/{ref}',
  summary: "Edit an incident's fields (audited)",
  request: { params: IncidentRefParam, body: jsonBody(PatchIncidentInput) },
  responses: { 200: json('Edited', Incident), ...publishErrors() },
});

const editMessage = defineRoute({
  method: 'patch',
  path: '/{ref}/updates/{updateId}',
  summary: "Correct an update's message (shown as edited, audited)",
  request: { params: IncidentRefParam.extend(idParam('updateId').shape), body: jsonBody(PatchUpdateInput) },
  responses: { 200: json('Edited', Incident), ...publishErrors() },
});

/**
 * PATCH /api/admin/incidents/:ref — title, impact, severity, commander, services, outcome.
 * PATCH /api/admin/incidents/:ref/updates/:updateId — corrects an update's message (shown as edited).
 * Both are recorded in the audit log with the record before and after.
 */
export const editIncidentRoute = (deps: AppDeps) =>
  documentedRoutes()
    .openapi(editFields, async (c) =>
      c.json(await editIncident(as(deps, c.get('actor')), idFromRef('incident', c.req.valid('param').ref), c.req.valid('json')), 200),
    )
    .openapi(editMessage, async (c) => {
      const params = c.req.valid('param');
      const updateId = UpdateId.safeParse(params.updateId);
      if (!updateId.success) throw new NotFoundError(`[Incidents] No update "${params.updateId}".`);
      const incidentId = idFromRef('incident', params.ref);
      const { message, acknowledgeWarnings } = c.req.valid('json');
      return c.json(await editUpdate(as(deps, c.get('actor')), incidentId, updateId.data, message, { acknowledgeWarnings }), 200);
    });
