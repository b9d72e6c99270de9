import { z } from 'zod';
import { Incident, IncidentListQuery } from '../../../shared/schemas.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, errors, IncidentRefParam, json } from '../../../platform/http/openapi.ts';
import { listIncidents, readIncident } from '../queries.ts';
import { idFromRef } from '../../../shared/refs.ts';

const list = defineRoute({
  method: 'get',
  path: '/',
  summary: 'List incidents, newest first, each with its update cadence',
  request: { query: IncidentListQuery },
  responses: { 200: json('Incidents', z.object({ incidents: z.array(Incident) })), ...errors(400, 401) },
});

const one = defineRoute({
  method: 'get',
  path: '/{ref}',
  summary: 'One incident, commander included',
  request: { params: IncidentRefParam },
  responses: { 200: json('The incident', Incident), ...errors(401, 404) },
});

/**
 * GET /api/admin/incidents?state=open|resolved|all|draft — newest first, each with its cadence
 * (`lastUpdateAt`, `nextUpdateDueAt`, `overdue`).
 * GET /api/admin/incidents/:ref — one incident, commander included.
 */
export const listIncidentsRoute = (deps: AppDeps) =>
  documentedRoutes()
    .openapi(list, async (c) => c.json({ incidents: await listIncidents(deps, c.req.valid('query')) }, 200))
    .openapi(one, async (c) => c.json(await readIncident(deps, idFromRef('incident', c.req.valid('param').ref)), 200));
