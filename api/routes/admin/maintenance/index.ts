import { Hono } from 'hono';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { scheduleMaintenanceRoute } from './create.ts';
import { listMaintenanceRoute } from './list.ts';
import { postMaintenanceUpdateRoute } from './update.ts';

/** Everything under /api/admin/maintenance. */
export const adminMaintenanceRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().route('/', scheduleMaintenanceRoute(deps)).route('/', listMaintenanceRoute(deps)).route('/', postMaintenanceUpdateRoute(deps));
