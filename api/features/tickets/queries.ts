/**
 * Reading the support tickets linked to incidents, for the admin API and the desk. Internal:
 * never published.
 */
import { Ticket } from '../../shared/schemas.ts';
import type { CommandDeps } from '../../platform/commands.ts';
import { loadIncident } from '../incidents/index.ts';
import { countTickets, listTickets } from './store.ts';

/** As stored: nothing to derive. */
export { countTickets, listTickets };

/** An incident's linked tickets, oldest first; NotFoundError for an unknown incident. */
export async function readTickets(deps: Pick<CommandDeps, 'db'>, incidentId: number): Promise<Ticket[]> {
  await loadIncident(deps.db, incidentId);
  return (await listTickets(deps.db, incidentId)).map((t) => Ticket.parse(t));
}
