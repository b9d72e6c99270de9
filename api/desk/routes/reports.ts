import { Hono } from 'hono';
import { readPlanReport } from '../../features/plan/index.ts';
import { PlanReportQuery } from '../../features/plan/index.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { common, renderDesk } from '../render.ts';
import { parseForm } from '../validate.ts';

/** The default range: the first day of the month five months back, to today (six calendar months). */
function defaultRange(now: Date): { from: string; to: string } {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 1));
  return { from: from.toISOString().slice(0, 10), to: now.toISOString().slice(0, 10) };
}

/**
 * GET /admin/reports?from=YYYY-MM-DD&to=YYYY-MM-DD — the plan's success criteria for incidents
 * detected in those days (inclusive), the same report as GET /api/admin/reports/plan. Days that
 * are not days, or in the wrong order, come back with the form's errors (400).
 */
export const deskReportRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().get('/admin/reports', async (c) => {
    const fallback = defaultRange(deps.clock.now());
    const asked = { from: c.req.query('from') || fallback.from, to: c.req.query('to') || fallback.to };
    const checked = parseForm(PlanReportQuery, asked);
    if (!checked.ok) return renderDesk(c, deps, { ...common(c, deps), page: 'reports', ...asked, errors: checked.errors, report: null }, 400);
    const report = await readPlanReport(deps, checked.input);
    return renderDesk(c, deps, { ...common(c, deps), page: 'reports', ...checked.input, errors: {}, report });
  });
