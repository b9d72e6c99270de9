import { listServices } from '../../features/services/index.ts';
import type { Executor } from '../../platform/db/client.ts';
import type { ServiceOption } from '../views.ts';

export async function serviceOptions(db: Executor): Promise<ServiceOption[]> {
  return (await listServices(db)).map((s) => ({ slug: s.slug, name: s.name, status: s.status, groupName: s.groupName }));
}

export const namesOf = (services: readonly ServiceOption[]): Map<string, string> => new Map(services.map((s) => [s.slug, s.name]));
