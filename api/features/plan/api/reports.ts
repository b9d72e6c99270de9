import { readPlanReport } from '../queries.ts';
import { PlanReport, PlanReportQuery } from '../report.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, errors, json } from '../../../platform/http/openapi.ts';

const plan = defineRoute({
  method: 'get',
  path: '/plan',
  summary: "The plan's success criteria measured: MTTA and MTTR by severity, postmortems, action items, update cadence",
  request: { query: PlanReportQuery },
  responses: { 200: json('The report', PlanReport), ...errors(400, 401) },
});

/** GET /api/admin/reports/plan?from=YYYY-MM-DD&to=YYYY-MM-DD — incidents detected in those days (inclusive, UTC). */
export const adminReportRoutes = (deps: AppDeps) =>
  documentedRoutes().openapi(plan, async (c) => c.json(PlanReport.parse(await readPlanReport(deps, c.req.valid('query'))), 200));
