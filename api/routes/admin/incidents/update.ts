import { Hono } from 'hono';
import { as } from '../../../commands/context.ts';
import { postIncidentUpdate, reopen } from '../../../commands/incidents.ts';
import { PostUpdateInput, ReopenInput } from '../../../domain/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { validate } from '../../../http/validate.ts';
import { idFromRef } from '../../../domain/refs.ts';

/**
 * POST /api/admin/incidents/:ref/updates — the timeline's next entry (409 once resolved).
 * POST /api/admin/incidents/:ref/reopen — brings a resolved incident back, explicitly.
 */
export const postIncidentUpdateRoute = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .post('/:ref/updates', validate('json', PostUpdateInput), async (c) =>
      c.json(await postIncidentUpdate(as(deps, c.get('actor')), idFromRef('incident', c.req.param('ref')), c.req.valid('json')), 201),
    )
    .post('/:ref/reopen', validate('json', ReopenInput), async (c) =>
      c.json(await reopen(as(deps, c.get('actor')), idFromRef('incident', c.req.param('ref')), c.req.valid('json')), 201),
    );
