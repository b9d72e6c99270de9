import { Hono } from 'hono';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { createRoute } from './create.ts';
import { listRoute } from './list.ts';
import { updateRoute } from './update.ts';

/** Everything under /api/admin/maintenance. */
export const maintenanceRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().route('/', createRoute(deps)).route('/', listRoute(deps)).route('/', updateRoute(deps));
