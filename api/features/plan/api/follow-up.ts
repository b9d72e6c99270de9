import { z } from 'zod';
import { as } from '../../../platform/commands.ts';
import { addActionItem, markActionItem } from '../commands.ts';
import { readActionItems } from '../queries.ts';
import { ActionItem, CreateActionItemInput, PatchActionItemInput } from '../rules.ts';
import { idFromRef } from '../../../shared/refs.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, errors, idParam, IncidentRefParam, json, jsonBody, writeErrors } from '../../../platform/http/openapi.ts';

const ItemId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const listItems = defineRoute({
  method: 'get',
  path: '/{ref}/action-items',
  summary: "The incident's postmortem action items (internal, never published)",
  request: { params: IncidentRefParam },
  responses: { 200: json('Action items, oldest first', z.object({ actionItems: z.array(ActionItem) })), ...errors(401, 404) },
});

const addItem = defineRoute({
  method: 'post',
  path: '/{ref}/action-items',
  summary: 'Add a postmortem action item (due in 30 days unless dueAt is given)',
  request: { params: IncidentRefParam, body: jsonBody(CreateActionItemInput) },
  responses: { 201: json('Added', ActionItem), ...writeErrors() },
});

const markItem = defineRoute({
  method: 'patch',
  path: '/{ref}/action-items/{id}',
  summary: 'Mark an action item done or not done',
  request: { params: IncidentRefParam.extend(idParam('id').shape), body: jsonBody(PatchActionItemInput) },
  responses: { 200: json('Updated', ActionItem), ...writeErrors() },
});

/**
 * The follow-up after an incident: GET and POST …/action-items, PATCH …/action-items/:id
 * (the postmortem itself: api/features/postmortems/api.ts). Action items are internal: no public page, feed or JSON has them.
 */
export const incidentFollowUpRoutes = (deps: AppDeps) =>
  documentedRoutes()
    .openapi(listItems, async (c) => c.json({ actionItems: await readActionItems(deps, idFromRef('incident', c.req.valid('param').ref)) }, 200))
    .openapi(addItem, async (c) =>
      c.json(await addActionItem(as(deps, c.get('actor')), idFromRef('incident', c.req.valid('param').ref), c.req.valid('json')), 201),
    )
    .openapi(markItem, async (c) => {
      const params = c.req.valid('param');
      const id = ItemId.safeParse(params.id);
      if (!id.success) throw new NotFoundError(`[Action items] No action item "${params.id}".`);
      return c.json(await markActionItem(as(deps, c.get('actor')), idFromRef('incident', params.ref), id.data, c.req.valid('json')), 200);
    });
