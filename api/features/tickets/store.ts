/** Support tickets linked to incidents: SQL only. */
import type { Executor } from '../../platform/db/client.ts';

export type TicketRow = { system: string; id: string; url: string; linkedBy: string; linkedAt: string };

/** Inserts a link; false when that ticket is already linked to that incident. */
export async function insertTicket(
  db: Executor,
  incidentId: number,
  ticket: { system: string; id: string; url: string },
  linked: { by: string; at: Date },
): Promise<boolean> {
  const { rowsAffected } = await db.execute({
    sql: 'INSERT INTO incident_tickets (incident_id, system, ticket_id, url, linked_by, linked_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id, system, ticket_id) DO NOTHING',
    args: [incidentId, ticket.system, ticket.id, ticket.url, linked.by, linked.at.toISOString()],
  });
  return rowsAffected > 0;
}

/** An incident's tickets, in the order they were linked. */
export async function listTickets(db: Executor, incidentId: number): Promise<TicketRow[]> {
  const { rows } = await db.execute({
    sql: 'SELECT system, ticket_id, url, linked_by, linked_at FROM incident_tickets WHERE incident_id = ? ORDER BY linked_at, id',
    args: [incidentId],
  });
  return rows.map((r) => ({
    system: String(r.system),
    id: String(r.ticket_id),
    url: String(r.url),
    linkedBy: String(r.linked_by),
    linkedAt: String(r.linked_at),
  }));
}

/** How many tickets each incident has, for the ids given (absent: none). */
export async function countTickets(db: Executor, incidentIds: readonly number[]): Promise<Map<number, number>> {
  if (incidentIds.length === 0) return new Map();
  const { rows } = await db.execute({
    sql: `SELECT incident_id, COUNT(*) AS n FROM incident_tickets WHERE incident_id IN (${incidentIds.map(() => '?').join(', ')}) GROUP BY incident_id`,
    args: [...incidentIds],
  });
  return new Map(rows.map((r) => [Number(r.incident_id), Number(r.n)]));
}
