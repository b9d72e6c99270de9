/**
 * What a publish must re-render, from what was written since the last one. Pure: the rule is
 * here, the loading and rendering in publisher.ts.
 *
 * Pages fall in two kinds. Live pages — the home page, /history, the feeds and JSON, each
 * service's page, open incidents and current maintenance — show the site's status now, so
 * they are re-rendered whenever it may have changed (the home page and the JSON on every
 * publish; service pages when their service, a window affecting it or the overall status
 * changes, or their uptime bars moved: at UTC midnight, or as an outage goes on). Archive pages —
 * a resolved incident, a month of history, a past window — show only their own subject and
 * link to the live status, so they are re-rendered only when their subject changes.
 */
import type { LoggedChange } from './store.ts';

/**
 * A unit of rendering: `home`, `history`, `json`, `feed`, `embeds` (the page's badge, /embed
 * and /widget.js), `404`, `incident:42`, `maintenance:7`, `service:3` (its page, feed and
 * badge), `month:3:2026-11` (every page of that
 * month of service 3's history; service 0 is the whole site's), `month:3:2026-11:42` (the
 * page of that month listing incident 42 — every page when the month gained or lost one).
 */
export type Target = string;

export const ALWAYS: readonly Target[] = ['home', 'history', 'json', 'feed', 'embeds'];

export type Placement = { id: number; month: string; open: boolean; serviceIds: number[] };

export type PlanInput = {
  changes: readonly LoggedChange[];
  /** Incidents a caller asked for beyond the log (a deadline passed, an overdue flag). */
  requested: readonly number[];
  /** Where each changed or requested incident sits now. */
  placements: readonly Placement[];
  openIncidents: readonly number[];
  liveMaintenances: readonly number[];
  /** The services of each changed window: their pages and feeds list it. Missing: none. */
  maintenanceServices?: ReadonlyMap<number, readonly number[]>;
  /** Every listed service, for a change every service page shows (the overall status). */
  serviceIds: readonly number[];
  overallChanged: boolean;
  /** Services whose uptime bars changed since the last publish (a new UTC day moves every one). */
  uptimeChanged?: readonly number[];
};

/**
 * The targets of an incremental publish.
 * @example planTargets({ changes: [{ seq: 9, entity: 'incident', id: 4, serviceId: null }], requested: [], placements: [{ id: 4, month: '2026-11', open: false, serviceIds: [2] }], openIncidents: [], liveMaintenances: [], serviceIds: [1, 2], overallChanged: false })
 * // Set { 'home', 'history', 'json', 'feed', 'embeds', 'incident:4', 'month:0:2026-11:4', 'service:2', 'month:2:2026-11:4' }
 */
export function planTargets(input: PlanInput): Set<Target> {
  const targets = new Set<Target>(ALWAYS);
  for (const id of input.openIncidents) targets.add(`incident:${id}`);
  for (const id of input.liveMaintenances) targets.add(`maintenance:${id}`);
  const placements = new Map(input.placements.map((p) => [p.id, p]));
  const touched = new Map<number, Set<number>>();
  const touch = (id: number) => touched.get(id) ?? touched.set(id, new Set()).get(id)!;
  for (const id of input.requested) touch(id);
  for (const change of input.changes) {
    if (change.entity === 'incident') {
      const services = touch(change.id);
      // A service the incident lost still lists it until its pages are re-rendered.
      if (change.serviceId !== null) services.add(change.serviceId);
    } else if (change.entity === 'service') targets.add(`service:${change.id}`);
    else {
      targets.add(`maintenance:${change.id}`);
      // Its services' pages and feeds show a window in progress or upcoming, and its entries.
      for (const serviceId of input.maintenanceServices?.get(change.id) ?? []) targets.add(`service:${serviceId}`);
    }
  }
  for (const [id, lost] of touched) {
    const placement = placements.get(id);
    if (!placement) continue;
    targets.add(`incident:${id}`);
    targets.add(`month:0:${placement.month}:${id}`);
    for (const serviceId of new Set([...placement.serviceIds, ...lost])) {
      targets.add(`service:${serviceId}`);
      targets.add(`month:${serviceId}:${placement.month}:${id}`);
    }
  }
  // The other pages with the live header: every service page, and the not-found page.
  if (input.overallChanged) {
    targets.add('404');
    for (const id of input.serviceIds) targets.add(`service:${id}`);
  }
  for (const id of input.uptimeChanged ?? []) targets.add(`service:${id}`);
  return targets;
}
