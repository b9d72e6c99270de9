import { Hono } from 'hono';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { createRoute } from './create.ts';
import { editRoute } from './edit.ts';
import { listRoute } from './list.ts';
import { updateRoute } from './update.ts';

/** Everything under /api/admin/incidents. */
export const incidentsRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .route('/', createRoute(deps))
    .route('/', listRoute(deps))
    .route('/', updateRoute(deps))
    .route('/', editRoute(deps));
