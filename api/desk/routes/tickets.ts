import { Hono } from 'hono';
import { readIncident } from '../../features/incidents/index.ts';
import { linkTicket } from '../../features/tickets/index.ts';
import { idFromRef } from '../../shared/refs.ts';
import { LinkTicketInput } from '../../shared/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { formBody } from '../render.ts';
import { attempt, parseForm } from '../validate.ts';
import type { TicketValues } from '../views.ts';
import { freshUpdate, showIncident } from './incident-page.ts';
import { actingUser } from './shared.ts';

/** POST /admin/incidents/:ref/tickets — links a support ticket (internal; support staff may). */
export const deskTicketRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().post('/admin/incidents/:ref/tickets', async (c) => {
    const id = idFromRef('incident', c.req.param('ref'));
    const body = await formBody(c);
    const values: TicketValues = { system: (body.system ?? '').trim(), id: (body.id ?? '').trim(), url: (body.url ?? '').trim() };
    const refuse = async (errors: Record<string, string>) => {
      const incident = await readIncident(deps, id);
      return showIncident(c, deps, incident, { mode: 'update', values: freshUpdate(c, deps, incident, 'update'), tickets: { values, errors } });
    };
    const checked = parseForm(LinkTicketInput, values);
    if (!checked.ok) return refuse(checked.errors);
    const linked = await attempt(() => linkTicket(actingUser(c, deps), id, checked.input));
    if (!linked.ok) return refuse(linked.errors);
    return c.redirect(`/admin/incidents/${c.req.param('ref').toUpperCase()}?done=ticket#tickets`, 303);
  });
