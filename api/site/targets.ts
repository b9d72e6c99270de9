/**
 * Render targets: the units a publish renders, and which of them a publish must re-render from
 * what was written since the last one. Pure: the rule is here, the loading and rendering in
 * publisher.ts and render.ts.
 *
 * Pages fall in two kinds. Live pages — the home page, /history, the feeds and JSON, each
 * service's page, open incidents and current maintenance — show the site's status now, so
 * they are re-rendered whenever it may have changed (the home page and the JSON on every
 * publish; service pages when their service, a window affecting it or the overall status
 * changes, or their uptime bars moved: at UTC midnight, or as an outage goes on). Archive pages —
 * a resolved incident, a month of history, a past window — show only their own subject and
 * link to the live status, so they are re-rendered only when their subject changes.
 */
import { parseRef } from '../shared/refs.ts';
import type { LoggedChange } from './store.ts';

/**
 * A unit of rendering. `embeds` is the page's badge, /embed and /widget.js; `service` its page,
 * feed and badge; `month` every page of a month of a service's history (service 0: the whole
 * site's), or with `incidentId` only the page listing that incident — every page when the
 * month gained or lost one.
 */
export type Target =
  | { kind: 'home' | 'history' | 'json' | 'feed' | 'embeds' | '404' }
  | { kind: 'incident' | 'maintenance' | 'service'; id: number }
  | { kind: 'month'; serviceId: number; month: string; incidentId?: number };

export type TargetKind = Target['kind'];

/** The targets every publish renders. */
export const ALWAYS: readonly Target[] = [{ kind: 'home' }, { kind: 'history' }, { kind: 'json' }, { kind: 'feed' }, { kind: 'embeds' }];

/**
 * A target as one string, for telling two equal targets apart in a set or a log line.
 * @example targetKey({ kind: 'month', serviceId: 3, month: '2026-11', incidentId: 42 }) // 'month:3:2026-11:42'
 */
export function targetKey(target: Target): string {
  switch (target.kind) {
    case 'incident':
    case 'maintenance':
    case 'service':
      return `${target.kind}:${target.id}`;
    case 'month':
      return `month:${target.serviceId}:${target.month}${target.incidentId === undefined ? '' : `:${target.incidentId}`}`;
    default:
      return target.kind;
  }
}

/** A set of targets, each once, in the order first added. */
export class TargetSet implements Iterable<Target> {
  readonly #byKey = new Map<string, Target>();

  constructor(targets: Iterable<Target> = []) {
    for (const target of targets) this.add(target);
  }

  add(target: Target): this {
    const key = targetKey(target);
    if (!this.#byKey.has(key)) this.#byKey.set(key, target);
    return this;
  }

  has(target: Target): boolean {
    return this.#byKey.has(targetKey(target));
  }

  /** @returns whether it was there. */
  delete(target: Target): boolean {
    return this.#byKey.delete(targetKey(target));
  }

  get size(): number {
    return this.#byKey.size;
  }

  /** Every target's key, sorted: what tests and log lines compare. */
  keys(): string[] {
    return [...this.#byKey.keys()].sort();
  }

  [Symbol.iterator](): Iterator<Target> {
    return this.#byKey.values();
  }
}

export type Placement = { id: number; month: string; open: boolean; serviceIds: number[] };

export type ChangedTargetsInput = {
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
 * @example changedTargets({ changes: [{ seq: 9, entity: 'incident', id: 4, serviceId: null }], requested: [], placements: [{ id: 4, month: '2026-11', open: false, serviceIds: [2] }], openIncidents: [], liveMaintenances: [], serviceIds: [1, 2], overallChanged: false }).keys()
 * // ['embeds', 'feed', 'history', 'home', 'incident:4', 'json', 'month:0:2026-11:4', 'month:2:2026-11:4', 'service:2']
 */
export function changedTargets(input: ChangedTargetsInput): TargetSet {
  const targets = new TargetSet(ALWAYS);
  for (const id of input.openIncidents) targets.add({ kind: 'incident', id });
  for (const id of input.liveMaintenances) targets.add({ kind: 'maintenance', id });
  const placements = new Map(input.placements.map((p) => [p.id, p]));
  const touched = new Map<number, Set<number>>();
  const touch = (id: number) => touched.get(id) ?? touched.set(id, new Set()).get(id)!;
  for (const id of input.requested) touch(id);
  for (const change of input.changes) {
    if (change.entity === 'incident') {
      const services = touch(change.id);
      // A service the incident lost still lists it until its pages are re-rendered.
      if (change.serviceId !== null) services.add(change.serviceId);
    } else if (change.entity === 'service') targets.add({ kind: 'service', id: change.id });
    else {
      targets.add({ kind: 'maintenance', id: change.id });
      // Its services' pages and feeds show a window in progress or upcoming, and its entries.
      for (const serviceId of input.maintenanceServices?.get(change.id) ?? []) targets.add({ kind: 'service', id: serviceId });
    }
  }
  for (const [id, lost] of touched) {
    const placement = placements.get(id);
    if (!placement) continue;
    targets.add({ kind: 'incident', id });
    targets.add({ kind: 'month', serviceId: 0, month: placement.month, incidentId: id });
    for (const serviceId of new Set([...placement.serviceIds, ...lost])) {
      targets.add({ kind: 'service', id: serviceId });
      targets.add({ kind: 'month', serviceId, month: placement.month, incidentId: id });
    }
  }
  // The other pages with the live header: every service page, and the not-found page.
  if (input.overallChanged) {
    targets.add({ kind: '404' });
    for (const id of input.serviceIds) targets.add({ kind: 'service', id });
  }
  for (const id of input.uptimeChanged ?? []) targets.add({ kind: 'service', id });
  return targets;
}

const INCIDENT_PAGE = /^\/incidents\/([^/]+)$/;
const MAINTENANCE_PAGE = /^\/maintenance\/([^/]+)$/;
const MONTH_PAGE = /^(?:\/services\/([^/]+))?\/history\/(\d{4})\/(\d{2})(?:\/[1-9]\d{0,5})?$/;

/**
 * The archive target that renders the page at `path` (a snapshot path: `/incidents/INC-42`,
 * `/maintenance/MNT-7`, `/history/2026/11/2`, `/services/api/history/2026/11`), or null when
 * `path` names no archive page. Whether the incident, window, month or service exists is the
 * renderer's to find: a target for something that does not exist renders nothing.
 * @example targetForPath('/incidents/INC-42', () => null) // { kind: 'incident', id: 42 }
 * @example targetForPath('/services/api/history/2026/11/2', (slug) => (slug === 'api' ? 3 : null)) // { kind: 'month', serviceId: 3, month: '2026-11' }
 */
export function targetForPath(path: string, serviceIdOf: (slug: string) => number | null): Target | null {
  const incident = INCIDENT_PAGE.exec(path);
  if (incident) {
    const id = parseRef('incident', incident[1] as string);
    return id === null ? null : { kind: 'incident', id };
  }
  const maintenance = MAINTENANCE_PAGE.exec(path);
  if (maintenance) {
    const id = parseRef('maintenance', maintenance[1] as string);
    return id === null ? null : { kind: 'maintenance', id };
  }
  const month = MONTH_PAGE.exec(path);
  if (month) {
    const [, slug, year, mm] = month as unknown as [string, string | undefined, string, string];
    const serviceId = slug === undefined ? 0 : serviceIdOf(slug);
    if (serviceId === null || Number(mm) < 1 || Number(mm) > 12) return null;
    return { kind: 'month', serviceId, month: `${year}-${mm}` };
  }
  return null;
}
