/**
 * The page as a webhook payload tells it: the overall status (Statuspage's `status_indicator`
 * and `status_description`) and every component, the same objects as the public
 * `components.json` (api/shared/statuspage-components.ts), read when the payload is built.
 */
import type { Executor } from '../../platform/db/client.ts';
import { loadIncidents } from '../incidents/index.ts';
import { type Indicator, listGroups, listServices, loadServiceOrigins, overallStatus, uptimeWindowStart } from '../services/index.ts';
import { groupServices, statuspageComponents, type StatuspageComponent } from '../../shared/statuspage-components.ts';

export type PageState = { indicator: Indicator; description: string; components: StatuspageComponent[] };

/** The page at `now`: its overall status from every service and open incident, and its components in page order. */
export async function loadPageState(db: Executor, now: Date): Promise<PageState> {
  const [services, groups, origins, open] = await Promise.all([
    listServices(db),
    listGroups(db),
    loadServiceOrigins(db, uptimeWindowStart(now)),
    loadIncidents(db, { state: 'open' }),
  ]);
  const overall = overallStatus(
    services.map((s) => s.status),
    open.map((i) => i.severity),
  );
  const sources = services.map((s) => ({ ...s, createdAt: origins.get(s.slug)?.createdAt ?? null, startDate: origins.get(s.slug)?.startDate ?? null }));
  return { indicator: overall.indicator, description: overall.description, components: statuspageComponents(groupServices(groups, sources)) };
}
