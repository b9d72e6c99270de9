/**
 * Short hashes of what every page shows of the whole site, compared between publishes: when
 * one changes, every page showing it is re-rendered (the catalogue: everything; the overall
 * status: the service pages and the not-found page; a service's uptime bars: its page).
 */
import { createHash } from 'node:crypto';
import type { ServiceRow, Uptime } from '../features/services/index.ts';
import type { SiteModel } from './model.ts';

/** What a publish showed of the whole site, as hashes. */
export type ShownKeys = { catalogue: string; overall: string; uptime: Record<number, string> };

/**
 * A short, stable hash of any JSON value.
 * @example hashOf({ a: 1 }) === hashOf({ a: 1 }) // true
 */
export const hashOf = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 16);

/** What every page shows of the catalogue: names, groups, order. */
export const catalogueKey = (services: readonly ServiceRow[], model: SiteModel): string =>
  hashOf([services.map((s) => [s.id, s.slug, s.name, s.group, s.groupName, s.order]), model.groups.map((g) => [g.slug, g.name])]);

export const overallKey = (model: SiteModel): string => hashOf(model.overall);

/**
 * What each service's page shows of its uptime, by service id. The days remembered between
 * publishes (the uptime memo keeps their array) are hashed once.
 */
export function createUptimeKeys(): (services: readonly ServiceRow[], model: SiteModel) => Record<number, string> {
  const dayHashes = new WeakMap<Uptime['days'], string>();
  const keyOf = (uptime: Uptime | undefined): string => {
    if (!uptime) return hashOf(null);
    let days = dayHashes.get(uptime.days);
    if (days === undefined) dayHashes.set(uptime.days, (days = hashOf(uptime.days)));
    return `${days}:${uptime.percent}`;
  };
  return (services, model) => Object.fromEntries(services.map((s) => [s.id, keyOf(model.uptime[s.slug])]));
}

/** The services whose uptime key differs from `before`'s. */
export const uptimeChanged = (services: readonly ServiceRow[], now: Record<number, string>, before: Record<number, string>): number[] =>
  services.filter((s) => now[s.id] !== before[s.id]).map((s) => s.id);
