import { Hono } from 'hono';
import { as } from '../../../commands/context.ts';
import { declareIncident } from '../../../commands/incidents.ts';
import { CreateIncidentInput } from '../../../domain/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { validate } from '../../../http/validate.ts';

/** POST /api/admin/incidents — declares an incident with its first update. */
export const declareIncidentRoute = (deps: AppDeps) =>
  new Hono<HeraldEnv>().post('/', validate('json', CreateIncidentInput), async (c) => {
    const incident = await declareIncident(as(deps, c.get('actor')), c.req.valid('json'));
    return c.json(incident, 201, { Location: `/api/admin/incidents/${incident.ref}` });
  });
