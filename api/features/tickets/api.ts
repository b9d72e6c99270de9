import { z } from 'zod';
import { as } from '../../platform/commands.ts';
import { linkTicket } from './commands.ts';
import { readTickets } from './queries.ts';
import { idFromRef } from '../../shared/refs.ts';
import { LinkTicketInput, Ticket } from '../../shared/schemas.ts';
import type { AppDeps } from '../../deps.ts';
import { defineRoute, documentedRoutes, errors, IncidentRefParam, json, jsonBody, writeErrors } from '../../platform/http/openapi.ts';

const link = defineRoute({
  method: 'post',
  path: '/{ref}/tickets',
  summary: 'Link a support ticket to an incident (internal; support tokens may)',
  request: { params: IncidentRefParam, body: jsonBody(LinkTicketInput) },
  responses: { 201: json('Linked', Ticket), ...writeErrors() },
});

const list = defineRoute({
  method: 'get',
  path: '/{ref}/tickets',
  summary: "An incident's linked support tickets, oldest first",
  request: { params: IncidentRefParam },
  responses: { 200: json('Tickets', z.object({ tickets: z.array(Ticket) })), ...errors(401, 404) },
});

/**
 * POST /api/admin/incidents/:ref/tickets — records that a ticket is about the incident (audited).
 * GET — the tickets linked so far. Neither is ever published.
 */
export const ticketRoutes = (deps: AppDeps) =>
  documentedRoutes()
    .openapi(link, async (c) => c.json(await linkTicket(as(deps, c.get('actor')), idFromRef('incident', c.req.valid('param').ref), c.req.valid('json')), 201))
    .openapi(list, async (c) => c.json({ tickets: await readTickets(deps, idFromRef('incident', c.req.valid('param').ref)) }, 200));
