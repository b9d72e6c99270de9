/**
 * The tickets feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { ticketRoutes } from './api.ts';
export { linkTicket } from './commands.ts';
export { countTickets, listTickets, readTickets } from './queries.ts';
