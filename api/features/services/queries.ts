/**
 * Reading the service catalogue, for the admin API, the desk, the site and the other
 * features. Most reads are the store's as they are (nothing to derive); one service by slug
 * is a NotFoundError when there is none.
 */
import { NotFoundError } from '../../shared/errors.ts';
import { Service } from '../../shared/schemas.ts';
import type { Executor } from '../../platform/db/client.ts';
import { findService, getServiceEvent, listGroups, listServiceEvents, listServices } from './store.ts';
import { loadServiceOrigins, loadUptimeHistory } from './uptime-store.ts';
import type { ServiceRow } from './schemas.ts';

export { getServiceEvent, listGroups, listServiceEvents, listServices, loadServiceOrigins, loadUptimeHistory };

/** The error for a service that is not there (or was deleted), said the same way wherever it is asked for. */
export const noSuchService = (slug: string) => new NotFoundError(`[Services] No service "${slug}". Check the slug; the list of services has every one.`);

/** One live service as stored; NotFoundError when there is none. */
export async function loadService(db: Executor, slug: string): Promise<ServiceRow> {
  const service = await findService(db, slug);
  if (!service) throw noSuchService(slug);
  return service;
}

/** One live service as the API shows it; NotFoundError when there is none. */
export const readService = async (db: Executor, slug: string): Promise<Service> => Service.parse(await loadService(db, slug));

/** Every live service as the API shows it, in page order. */
export const readServices = async (db: Executor): Promise<Service[]> => (await listServices(db)).map((s) => Service.parse(s));
