import { Hono } from 'hono';
import { auditTrail } from '../../features/audit/index.ts';
import { IncidentRef } from '../../shared/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { common, renderDesk } from '../render.ts';

/**
 * GET /admin/audit?ref=INC-7 — every write, newest first: who, when, what, before and after.
 * Filtered by incident, it shows the incident's own entries and those of its updates.
 */
export const deskAuditRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().get('/admin/audit', async (c) => {
    const asked = (c.req.query('ref') ?? '').trim().toUpperCase();
    const ref = IncidentRef.safeParse(asked).success ? asked : '';
    const entries = await auditTrail(deps.db, ref || null);
    return renderDesk(c, deps, { ...common(c, deps), page: 'audit', ref, entries });
  });
