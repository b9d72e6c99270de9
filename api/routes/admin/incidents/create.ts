import { Hono } from 'hono';
import { createIncident } from '../../../db/incidents.ts';
import { CreateIncidentInput } from '../../../domain/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { validate } from '../../../http/validate.ts';
import { readIncident, writeContext } from './shared.ts';
import { republish } from '../../../http/republish.ts';

/** POST /api/admin/incidents — declares an incident with its first update. */
export const createRoute = (deps: AppDeps) =>
  new Hono<HeraldEnv>().post('/', validate('json', CreateIncidentInput), async (c) => {
    const input = c.req.valid('json');
    const id = await deps.db.write((tx) => createIncident(tx, input, writeContext(deps, c.get('actor'))));
    await republish(deps, [id]);
    const incident = await readIncident(deps, id);
    return c.json(incident, 201, { Location: `/api/admin/incidents/${incident.ref}` });
  });
