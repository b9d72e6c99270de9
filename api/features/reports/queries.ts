/** Reading the uptime report: the services, their history from the range's first day, incidents and maintenance; the sums are rules.ts's. */
import { NotFoundError } from '../../shared/errors.ts';
import type { CommandDeps } from '../../platform/commands.ts';
import { listServices, loadUptimeHistory } from '../services/index.ts';
import { uptimeReport } from './rules.ts';
import type { MaintenanceRule, UptimeReport, UptimeReportQuery } from './schemas.ts';
import { countIncidents, maintenanceSpans } from './store.ts';

const DAY_MS = 86_400_000;

/**
 * The report for `query` as of now. `maintenanceByDefault`: how maintenance counts when the
 * query does not say (REPORT_MAINTENANCE_AS_DOWNTIME). An unknown service is a NotFoundError.
 */
export async function readUptimeReport(
  deps: Pick<CommandDeps, 'db' | 'clock'>,
  query: UptimeReportQuery,
  maintenanceByDefault: MaintenanceRule,
): Promise<UptimeReport> {
  const all = await listServices(deps.db);
  const services = query.service ? all.filter((s) => s.slug === query.service) : all;
  if (query.service && services.length === 0) {
    throw new NotFoundError(`[Reports] No service "${query.service}". Name a service by its slug, as GET /api/admin/services lists them.`);
  }
  const since = new Date(`${query.from}T00:00:00Z`);
  const until = new Date(Date.parse(`${query.to}T00:00:00Z`) + DAY_MS).toISOString();
  const [histories, incidents, windows] = await Promise.all([
    loadUptimeHistory(
      deps.db,
      since,
      services.map((s) => s.id),
    ),
    countIncidents(deps.db, since.toISOString(), until),
    maintenanceSpans(deps.db, since.toISOString(), until),
  ]);
  return uptimeReport({
    range: { from: query.from, to: query.to },
    now: deps.clock.now(),
    maintenance: query.maintenance ?? maintenanceByDefault,
    services,
    histories,
    incidents,
    windows,
  });
}
