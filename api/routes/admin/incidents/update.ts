import { Hono } from 'hono';
import { postUpdate, reopenIncident } from '../../../db/incidents.ts';
import { PostUpdateInput, ReopenInput } from '../../../domain/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { validate } from '../../../http/validate.ts';
import { idFromParam, readIncident, writeContext } from './shared.ts';
import { republish } from '../../../http/republish.ts';

/**
 * POST /api/admin/incidents/:ref/updates — the timeline's next entry (409 once resolved).
 * POST /api/admin/incidents/:ref/reopen — brings a resolved incident back, explicitly.
 */
export const updateRoute = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .post('/:ref/updates', validate('json', PostUpdateInput), async (c) => {
      const id = idFromParam(c.req.param('ref'));
      const input = c.req.valid('json');
      await deps.db.write((tx) => postUpdate(tx, id, input, writeContext(deps, c.get('actor'))));
      await republish(deps, [id]);
      return c.json(await readIncident(deps, id), 201);
    })
    .post('/:ref/reopen', validate('json', ReopenInput), async (c) => {
      const id = idFromParam(c.req.param('ref'));
      const input = c.req.valid('json');
      await deps.db.write((tx) => reopenIncident(tx, id, input, writeContext(deps, c.get('actor'))));
      await republish(deps, [id]);
      return c.json(await readIncident(deps, id), 201);
    });
