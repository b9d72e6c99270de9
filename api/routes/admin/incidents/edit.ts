import { Hono } from 'hono';
import { as } from '../../../commands/context.ts';
import { z } from 'zod';
import { editIncident, editUpdate } from '../../../commands/incidents.ts';
import { PatchIncidentInput, PatchUpdateInput } from '../../../domain/schemas.ts';
import { NotFoundError } from '../../../errors.ts';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { validate } from '../../../http/validate.ts';
import { idFromRef } from '../../../domain/refs.ts';

const UpdateId = z.coerce.number().int().positive();

/**
 * PATCH /api/admin/incidents/:ref — title, impact, severity, commander, services, outcome.
 * PATCH /api/admin/incidents/:ref/updates/:id — corrects an update's message (shown as edited).
 * Both are recorded in the audit log with the record before and after.
 */
export const editIncidentRoute = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .patch('/:ref', validate('json', PatchIncidentInput), async (c) =>
      c.json(await editIncident(as(deps, c.get('actor')), idFromRef('incident', c.req.param('ref')), c.req.valid('json'))),
    )
    .patch('/:ref/updates/:updateId', validate('json', PatchUpdateInput), async (c) => {
      const updateId = UpdateId.safeParse(c.req.param('updateId'));
      if (!updateId.success) throw new NotFoundError(`[Incidents] No update "${c.req.param('updateId')}".`);
      const incidentId = idFromRef('incident', c.req.param('ref'));
      return c.json(await editUpdate(as(deps, c.get('actor')), incidentId, updateId.data, c.req.valid('json').message));
    });
