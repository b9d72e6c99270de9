import { Hono } from 'hono';
import { loadIncidents } from '../../../db/incidents.ts';
import { toIncident } from '../../../domain/incident.ts';
import { Incident, IncidentListQuery } from '../../../domain/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { validate } from '../../../http/validate.ts';
import { readIncident } from '../../../commands/incidents.ts';
import { idFromRef } from '../../../domain/refs.ts';

/**
 * GET /api/admin/incidents?state=open|resolved|all — newest first, each with its cadence
 * (`lastUpdateAt`, `nextUpdateDueAt`, `overdue`).
 * GET /api/admin/incidents/:ref — one incident, commander included.
 */
export const listIncidentsRoute = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .get('/', validate('query', IncidentListQuery), async (c) => {
      const { state, limit } = c.req.valid('query');
      const now = deps.clock.now();
      const records = await loadIncidents(deps.db, { state, limit });
      return c.json({ incidents: records.map((r) => Incident.parse(toIncident(r, now, deps.policy))) });
    })
    .get('/:ref', async (c) => c.json(await readIncident(deps, idFromRef('incident', c.req.param('ref')))));
