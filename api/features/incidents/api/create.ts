import { z } from 'zod';
import { as } from '../../../platform/commands.ts';
import { declareIncident } from '../commands.ts';
import { CreateIncidentInput, Incident } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, json, jsonBody, publishErrors } from '../../../platform/http/openapi.ts';

const declare = defineRoute({
  method: 'post',
  path: '/',
  summary: 'Declare an incident with its first update',
  request: { body: jsonBody(CreateIncidentInput) },
  responses: {
    201: { ...json('Declared', Incident), headers: z.object({ Location: z.string().meta({ example: '/api/admin/incidents/INC-42' }) }) },
    ...publishErrors(),
  },
});

/** POST /api/admin/incidents — declares an incident with its first update. */
export const declareIncidentRoute = (deps: AppDeps) =>
  documentedRoutes().openapi(declare, async (c) => {
    const incident = await declareIncident(as(deps, c.get('actor')), c.req.valid('json'));
    return c.json(incident, 201, { Location: `/api/admin/incidents/${incident.ref}` });
  });
