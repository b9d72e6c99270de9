import { Hono } from 'hono';
import { listAudit } from '../../db/audit.ts';
import { IncidentRef } from '../../domain/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../http/env.ts';
import { common, renderDesk } from '../render.ts';

/**
 * GET /admin/audit?ref=INC-7 — every write, newest first: who, when, what, before and after.
 * Filtered by incident, it shows the incident's own entries and those of its updates.
 */
export const deskAuditRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().get('/admin/audit', async (c) => {
    const asked = (c.req.query('ref') ?? '').trim().toUpperCase();
    const ref = IncidentRef.safeParse(asked).success ? asked : '';
    const entries = ref ? await listAudit(deps.db, { incident: ref, limit: 1000 }) : await listAudit(deps.db, { limit: 200 });
    return renderDesk(c, deps, { ...common(c, deps), page: 'audit', ref, entries });
  });
