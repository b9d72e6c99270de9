import { Hono } from 'hono';
import { z } from 'zod';
import { editUpdateMessage, patchIncident } from '../../../db/incidents.ts';
import { PatchIncidentInput, PatchUpdateInput } from '../../../domain/schemas.ts';
import { NotFoundError } from '../../../errors.ts';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { validate } from '../../../http/validate.ts';
import { idFromParam, readIncident, writeContext } from './shared.ts';
import { republish } from '../../../http/republish.ts';

const UpdateId = z.coerce.number().int().positive();

/**
 * PATCH /api/admin/incidents/:ref — title, impact, severity, commander, services, outcome.
 * PATCH /api/admin/incidents/:ref/updates/:id — corrects an update's message (shown as edited).
 * Both are recorded in the audit log with the record before and after.
 */
export const editRoute = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .patch('/:ref', validate('json', PatchIncidentInput), async (c) => {
      const id = idFromParam(c.req.param('ref'));
      const patch = c.req.valid('json');
      await deps.db.write((tx) => patchIncident(tx, id, patch, writeContext(deps, c.get('actor'))));
      await republish(deps, [id]);
      return c.json(await readIncident(deps, id));
    })
    .patch('/:ref/updates/:updateId', validate('json', PatchUpdateInput), async (c) => {
      const id = idFromParam(c.req.param('ref'));
      const updateId = UpdateId.safeParse(c.req.param('updateId'));
      if (!updateId.success) throw new NotFoundError(`[Incidents] No update "${c.req.param('updateId')}".`);
      const { message } = c.req.valid('json');
      await deps.db.write((tx) => editUpdateMessage(tx, id, updateId.data, message, writeContext(deps, c.get('actor'))));
      await republish(deps, [id]);
      return c.json(await readIncident(deps, id));
    });
