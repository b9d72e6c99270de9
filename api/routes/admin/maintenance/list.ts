import { Hono } from 'hono';
import { readMaintenance } from '../../../commands/maintenance.ts';
import { loadMaintenances } from '../../../db/maintenance.ts';
import { toMaintenance } from '../../../domain/maintenance.ts';
import { Maintenance, MaintenanceListQuery } from '../../../domain/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { validate } from '../../../http/validate.ts';
import { idFromRef } from '../../../domain/refs.ts';

/**
 * GET /api/admin/maintenance?state=upcoming|active|completed|all — upcoming soonest first,
 * the others latest first.
 * GET /api/admin/maintenance/:ref — one window with its timeline.
 */
export const listMaintenanceRoute = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .get('/', validate('query', MaintenanceListQuery), async (c) => {
      const { state, limit } = c.req.valid('query');
      const records = await loadMaintenances(deps.db, { state, limit });
      return c.json({ maintenances: records.map((r) => Maintenance.parse(toMaintenance(r, deps.policy))) });
    })
    .get('/:ref', async (c) => c.json(await readMaintenance(deps, idFromRef('maintenance', c.req.param('ref')))));
