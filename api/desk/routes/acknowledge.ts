import { Hono } from 'hono';
import { acknowledgeIncident } from '../../features/plan/index.ts';
import { idFromRef } from '../../shared/refs.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { actingUser } from './shared.ts';

/** POST /admin/incidents/:ref/acknowledge — the desk's button, through the same command as the API (idempotent). */
export const deskAcknowledgeRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().post('/admin/incidents/:ref/acknowledge', async (c) => {
    const incident = await acknowledgeIncident(actingUser(c, deps), idFromRef('incident', c.req.param('ref')));
    return c.redirect(`/admin/incidents/${incident.ref}?done=acknowledged`, 303);
  });
