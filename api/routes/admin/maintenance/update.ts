import { Hono } from 'hono';
import { as } from '../../../commands/context.ts';
import { postMaintenanceUpdate } from '../../../commands/maintenance.ts';
import { PostMaintenanceUpdateInput } from '../../../domain/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { validate } from '../../../http/validate.ts';
import { idFromRef } from '../../../domain/refs.ts';

/**
 * POST /api/admin/maintenance/:ref/updates — the timeline's next entry; `status` in_progress
 * starts the window (early, if need be), completed ends it (409 once completed).
 */
export const postMaintenanceUpdateRoute = (deps: AppDeps) =>
  new Hono<HeraldEnv>().post('/:ref/updates', validate('json', PostMaintenanceUpdateInput), async (c) =>
    c.json(await postMaintenanceUpdate(as(deps, c.get('actor')), idFromRef('maintenance', c.req.param('ref')), c.req.valid('json')), 201),
  );
