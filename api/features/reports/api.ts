import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { defineRoute, documentedRoutes, errors } from '../../platform/http/openapi.ts';
import { uptimeReportCsv } from './csv.ts';
import { readUptimeReport } from './queries.ts';
import { UptimeReport, UptimeReportQuery } from './schemas.ts';

const uptime = defineRoute({
  method: 'get',
  path: '/uptime',
  summary:
    'Uptime per service and calendar month (UTC): uptime %, minutes in each status, incidents by severity, maintenance; JSON, or CSV with Accept: text/csv',
  request: { query: UptimeReportQuery },
  responses: {
    200: {
      description: 'The report',
      content: { 'application/json': { schema: UptimeReport }, 'text/csv': { schema: z.string().meta({ description: 'One row per service and month' }) } },
    },
    ...errors(400, 401, 404),
  },
});

/** Whether the client asked for CSV first (`Accept: text/csv`). */
const wantsCsv = (accept: string | undefined) =>
  /^\s*text\/csv\b/i.test(accept ?? '') || (/\btext\/csv\b/i.test(accept ?? '') && !/application\/json/i.test(accept ?? ''));

/** GET /api/admin/reports/uptime?from=YYYY-MM-DD&to=YYYY-MM-DD[&service=slug][&maintenance=excluded|downtime] */
export const uptimeReportRoutes = (deps: AppDeps) =>
  documentedRoutes().openapi(uptime, async (c) => {
    const query = c.req.valid('query');
    const report = UptimeReport.parse(await readUptimeReport(deps, query, deps.config.reportMaintenanceAsDowntime ? 'downtime' : 'excluded'));
    if (wantsCsv(c.req.header('accept'))) {
      const name = `uptime-${report.from}-to-${report.to}${query.service ? `-${query.service}` : ''}.csv`;
      return c.body(uptimeReportCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` });
    }
    return c.json(report, 200);
  });
