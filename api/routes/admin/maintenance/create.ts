import { Hono } from 'hono';
import { as } from '../../../commands/context.ts';
import { scheduleMaintenance } from '../../../commands/maintenance.ts';
import { CreateMaintenanceInput } from '../../../domain/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { validate } from '../../../http/validate.ts';

/** POST /api/admin/maintenance — schedules a window with its first update. */
export const scheduleMaintenanceRoute = (deps: AppDeps) =>
  new Hono<HeraldEnv>().post('/', validate('json', CreateMaintenanceInput), async (c) => {
    const maintenance = await scheduleMaintenance(as(deps, c.get('actor')), c.req.valid('json'));
    return c.json(maintenance, 201, { Location: `/api/admin/maintenance/${maintenance.ref}` });
  });
