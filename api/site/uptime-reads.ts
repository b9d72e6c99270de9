/**
 * The uptime histories a publish reads, kept between publishes and read again only where the
 * publish log says writes touched them.
 */
import type { Db } from '../platform/db/client.ts';
import { loadUptimeHistory, uptimeWindowStart, type ServiceRow, type UptimeHistory } from '../features/services/index.ts';
import type { LoggedChange } from './store.ts';
import type { Placement } from './targets.ts';

/**
 * Each listed service's uptime history (api/features/services/uptime-store.ts) as last read, by
 * slug, and the day its window starts: at 200 services, 90 days of changes are thousands of
 * rows, the most of a publish's reading. A read fetches again only the services `written`
 * names; a new day, or no log to go by, reads them all. After each read it holds at least
 * every write up to the sequence published.
 */
export function createUptimeReads(db: Db) {
  let last: { since: number; bySlug: Map<string, UptimeHistory> } | null = null;
  return {
    async read(now: Date, services: readonly ServiceRow[], written: ReadonlySet<number> | 'all'): Promise<Map<string, UptimeHistory>> {
      const since = uptimeWindowStart(now);
      if (written === 'all' || last?.since !== since.getTime()) {
        last = { since: since.getTime(), bySlug: await loadUptimeHistory(db, since) };
        return last.bySlug;
      }
      const { bySlug } = last;
      const stale = services.filter((s) => written.has(s.id) || !bySlug.has(s.slug));
      for (const [slug, history] of await loadUptimeHistory(
        db,
        since,
        stale.map((s) => s.id),
      ))
        bySlug.set(slug, history);
      return bySlug;
    },
  };
}

/**
 * The services whose uptime history the logged writes may have changed: a service written
 * itself (its status, set outside incidents or by an update), and every service of a written
 * incident, as it is now and any it lost (its spans, and the changes its updates made).
 */
export function writtenServices(changes: readonly LoggedChange[], placements: readonly Placement[]): Set<number> {
  const services = new Set<number>();
  const incidents = new Set<number>();
  for (const change of changes) {
    if (change.entity === 'service') services.add(change.id);
    else if (change.entity === 'incident') {
      incidents.add(change.id);
      if (change.serviceId !== null) services.add(change.serviceId);
    }
  }
  for (const placement of placements) if (incidents.has(placement.id)) for (const id of placement.serviceIds) services.add(id);
  return services;
}
