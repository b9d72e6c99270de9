import { Hono } from 'hono';
import { readPlanReport } from '../../features/plan/index.ts';
import { PlanReportQuery } from '../../features/plan/index.ts';
import { readUptimeReport, uptimeReportCsv, UptimeReportQuery } from '../../features/reports/index.ts';
import { readServices } from '../../features/services/index.ts';
import type { FieldErrors } from '../views.ts';
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
export const deskReportRoutes = (deps: AppDeps) => {
  const uptimeForm = async (errors: FieldErrors = {}) => ({
    services: (await readServices(deps.db)).map((s) => ({ slug: s.slug, name: s.name })),
    maintenanceAsDowntime: deps.config.reportMaintenanceAsDowntime,
    errors,
  });
  return (
    new Hono<HeraldEnv>()
      .get('/admin/reports', async (c) => {
        const fallback = defaultRange(deps.clock.now());
        const asked = { from: c.req.query('from') || fallback.from, to: c.req.query('to') || fallback.to };
        const checked = parseForm(PlanReportQuery, asked);
        if (!checked.ok)
          return renderDesk(c, deps, { ...common(c, deps), page: 'reports', ...asked, errors: checked.errors, report: null, uptime: await uptimeForm() }, 400);
        const report = await readPlanReport(deps, checked.input);
        return renderDesk(c, deps, { ...common(c, deps), page: 'reports', ...checked.input, errors: {}, report, uptime: await uptimeForm() });
      })
      // GET /admin/reports/uptime.csv?from=&to=[&service=][&maintenance=] — the same CSV as GET /api/admin/reports/uptime with Accept: text/csv.
      .get('/admin/reports/uptime.csv', async (c) => {
        const fallback = defaultRange(deps.clock.now());
        const asked = {
          from: c.req.query('from') || fallback.from,
          to: c.req.query('to') || fallback.to,
          ...(c.req.query('service') ? { service: c.req.query('service') } : {}),
          ...(c.req.query('maintenance') ? { maintenance: c.req.query('maintenance') } : {}),
        };
        const checked = parseForm(UptimeReportQuery, asked);
        if (!checked.ok) {
          const plan = await readPlanReport(deps, fallback);
          const view = { ...common(c, deps), page: 'reports' as const, ...fallback, errors: {}, report: plan, uptime: await uptimeForm(checked.errors) };
          return renderDesk(c, deps, view, 400);
        }
        const report = await readUptimeReport(deps, checked.input, deps.config.reportMaintenanceAsDowntime ? 'downtime' : 'excluded');
        const name = `uptime-${report.from}-to-${report.to}${checked.input.service ? `-${checked.input.service}` : ''}.csv`;
        return c.body(uptimeReportCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` });
      })
  );
};
