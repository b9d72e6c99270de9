/**
 * A service as an Atlassian Statuspage component: one object, built here, wherever a component
 * appears — `components.json` and `summary.json`, an incident's or a maintenance's
 * `components`, and the webhook payloads — so a client that reads one reads them all. Pure; no
 * server imports (the site and the webhooks feature both build from it).
 */
import type { ServiceStatus } from './vocabulary.ts';

/** The page's id in every Statuspage document and payload. */
export const STATUSPAGE_PAGE_ID = 'herald';

/** Statuspage's component fields, as its public API documents them. */
export type StatuspageComponent = {
  id: string;
  name: string;
  status: ServiceStatus;
  /** When the service was created in Herald. */
  created_at: string | null;
  /** When anything about it last changed (its status, name, description, place). */
  updated_at: string | null;
  /** Its place on the page, 1 first (groups and services counted together, in page order). */
  position: number | null;
  description: string | null;
  showcase: boolean;
  /** The day (YYYY-MM-DD) its history starts: its uptime is counted from this day. */
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
  /** A group's members, by id. */
  components?: string[];
  /**
   * Herald's own, for a service that follows a provider's status page: its status as Herald's
   * page shows it — one of the five, or `unknown` while the provider cannot be read (when
   * `status`, which must be one of Statuspage's five, says at least `degraded_performance`).
   */
  herald_status?: string;
  /** Herald's own: the provider the status comes from, and what Herald last read there. */
  upstream?: {
    provider: string;
    page_url: string;
    status: ServiceStatus | null;
    known: boolean;
    read_at: string | null;
    unreadable_since: string | null;
    /** The provider's open incident naming the component, at the last good read. */
    incident: { name: string; url: string } | null;
  };
};

/** What a component is made from: a listed service, with when it was created and when its history starts. */
export type ComponentSource = {
  slug: string;
  name: string;
  description: string;
  status: ServiceStatus;
  updatedAt: string;
  createdAt: string | null;
  startDate: string | null;
};

/** Services in page order, by group (a group of none, last, holds the ungrouped). */
export type ComponentGroup = { slug: string | null; name: string | null; services: readonly ComponentSource[] };

const ORDER: readonly ServiceStatus[] = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'];
const worstStatus = (statuses: readonly ServiceStatus[]): ServiceStatus =>
  statuses.reduce<ServiceStatus>((worst, s) => (ORDER.indexOf(s) > ORDER.indexOf(worst) ? s : worst), 'operational');
const earliest = (values: readonly (string | null)[]): string | null => values.filter((v): v is string => v !== null).sort()[0] ?? null;
const latest = (values: readonly (string | null)[]): string | null =>
  values
    .filter((v): v is string => v !== null)
    .sort()
    .at(-1) ?? null;

/**
 * Groups services as the page shows them: each group in order with its services, groups
 * without any left out, and the ungrouped services last under a group of none.
 * @example groupServices([{ slug: 'core', name: 'Core' }], [{ slug: 'api', group: 'core', … }]) // [{ slug: 'core', name: 'Core', services: [api] }]
 */
export function groupServices<S extends { group: string | null }>(
  groups: readonly { slug: string; name: string }[],
  services: readonly S[],
): { slug: string | null; name: string | null; services: S[] }[] {
  const grouped: { slug: string | null; name: string | null; services: S[] }[] = groups
    .map((g) => ({ slug: g.slug, name: g.name, services: services.filter((s) => s.group === g.slug) }))
    .filter((g) => g.services.length > 0);
  const ungrouped = services.filter((s) => !s.group);
  if (ungrouped.length > 0) grouped.push({ slug: null, name: null, services: ungrouped });
  return grouped;
}

/**
 * The page's components in page order: each group as a component with `group: true` listing
 * its members (its dates those of its earliest and latest member), then its services.
 */
export function statuspageComponents(groups: readonly ComponentGroup[]): StatuspageComponent[] {
  const list: StatuspageComponent[] = [];
  let position = 1;
  for (const group of groups) {
    const groupId = group.slug ? `group-${group.slug}` : null;
    if (group.slug && groupId) {
      list.push({
        id: groupId,
        name: group.name ?? group.slug,
        status: worstStatus(group.services.map((s) => s.status)),
        created_at: earliest(group.services.map((s) => s.createdAt)),
        updated_at: latest(group.services.map((s) => s.updatedAt)),
        position: position++,
        description: null,
        showcase: false,
        start_date: earliest(group.services.map((s) => s.startDate)),
        group_id: null,
        page_id: STATUSPAGE_PAGE_ID,
        group: true,
        only_show_if_degraded: false,
        components: group.services.map((s) => s.slug),
      });
    }
    for (const service of group.services) {
      list.push({
        id: service.slug,
        name: service.name,
        status: service.status,
        created_at: service.createdAt,
        updated_at: service.updatedAt,
        position: position++,
        description: service.description || null,
        showcase: true,
        start_date: service.startDate,
        group_id: groupId,
        page_id: STATUSPAGE_PAGE_ID,
        group: false,
        only_show_if_degraded: false,
      });
    }
  }
  return list;
}

/**
 * An affected service as an incident or a maintenance lists it in `components`: the page's
 * component itself; a service no longer on the page (archived since) keeps the same keys,
 * with what is still known of it.
 */
export function affectedComponent(
  listed: ReadonlyMap<string, StatuspageComponent>,
  service: { slug: string; name: string; status: ServiceStatus },
): StatuspageComponent {
  return (
    listed.get(service.slug) ?? {
      id: service.slug,
      name: service.name,
      status: service.status,
      created_at: null,
      updated_at: null,
      position: null,
      description: null,
      showcase: false,
      start_date: null,
      group_id: null,
      page_id: STATUSPAGE_PAGE_ID,
      group: false,
      only_show_if_degraded: false,
    }
  );
}

/** The components by id, for `affectedComponent`. */
export const componentsById = (list: readonly StatuspageComponent[]): ReadonlyMap<string, StatuspageComponent> =>
  new Map(list.filter((c) => !c.group).map((c) => [c.id, c]));

/** The update's id as Statuspage clients see it, the same in the JSON and in webhooks: "INC-6-20". */
export const statuspageUpdateId = (ref: string, updateId: number): string => `${ref}-${updateId}`;
