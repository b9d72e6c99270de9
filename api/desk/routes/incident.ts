import { Hono, type Context } from 'hono';
import { postIncidentUpdate, readIncident, reopen } from '../../features/incidents/index.ts';
import { idFromRef } from '../../shared/refs.ts';
import { ReopenInput } from '../../shared/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { acknowledgedIn, readUpdate, toUpdateInput } from '../forms.ts';
import { formBody } from '../render.ts';
import { attempt, parseForm } from '../validate.ts';
import { freshUpdate, showIncident, type Mode } from './incident-page.ts';
import { actingUser, isPreview, templatesOf } from './shared.ts';

/**
 * GET /admin/incidents/:ref — the incident's timeline and the next update's form, prefilled
 * from the Status Update template. GET …/resolve — the form prefilled from the Resolution
 * template. (Both read-only.)
 */
export const deskIncidentRoutes = (deps: AppDeps) => {
  const page = (mode: Mode) => async (c: Context<HeraldEnv>) => {
    const incident = await readIncident(deps, idFromRef('incident', c.req.param('ref') ?? ''));
    return showIncident(c, deps, incident, { mode, values: freshUpdate(c, deps, incident, mode) });
  };
  return new Hono<HeraldEnv>().get('/admin/incidents/:ref', page('update')).get('/admin/incidents/:ref/resolve', page('resolve'));
};

/**
 * POST /admin/incidents/:ref/updates — preview, or post through the same command as the API.
 * POST …/reopen — brings a resolved incident back (its own action, as in the API).
 */
export const deskIncidentUpdateRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .post('/admin/incidents/:ref/updates', async (c) => {
      const id = idFromRef('incident', c.req.param('ref'));
      const incident = await readIncident(deps, id);
      const body = await formBody(c);
      const mode: Mode = body.mode === 'resolve' ? 'resolve' : 'update';
      const values = readUpdate(body, mode);
      if (isPreview(body)) return showIncident(c, deps, incident, { mode, values, preview: true });
      const checked = toUpdateInput(values, incident, deps.clock.now(), templatesOf(deps));
      if (!checked.ok) return showIncident(c, deps, incident, { mode, values, errors: checked.errors });
      const posted = await attempt(() => postIncidentUpdate(actingUser(c, deps), id, checked.input));
      if (!posted.ok) return showIncident(c, deps, incident, { mode, values, errors: posted.errors });
      return c.redirect(`/admin/incidents/${posted.value.ref}?done=${posted.value.status === 'resolved' ? 'resolved' : 'updated'}`, 303);
    })
    .post('/admin/incidents/:ref/reopen', async (c) => {
      const id = idFromRef('incident', c.req.param('ref'));
      const body = await formBody(c);
      const typed = { status: body.status ?? '', message: body.message ?? '' };
      const refuse = async (errors: Record<string, string>) => {
        const incident = await readIncident(deps, id);
        return showIncident(c, deps, incident, { mode: 'update', values: freshUpdate(c, deps, incident, 'update'), reopen: { values: typed, errors } });
      };
      const checked = parseForm(
        ReopenInput,
        { status: typed.status || undefined, message: typed.message, acknowledgeWarnings: acknowledgedIn(body) || undefined },
        { message: 'Say why the incident is reopened: customers read this message.' },
      );
      if (!checked.ok) return refuse(checked.errors);
      const reopened = await attempt(() => reopen(actingUser(c, deps), id, checked.input));
      if (!reopened.ok) return refuse(reopened.errors);
      return c.redirect(`/admin/incidents/${reopened.value.ref}?done=reopened`, 303);
    });
