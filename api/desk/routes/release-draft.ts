import { Hono } from 'hono';
import { discardDraftIncident, releaseDraftIncident } from '../../features/drafts/index.ts';
import { readIncident } from '../../features/incidents/index.ts';
import { idFromRef, makeRef } from '../../shared/refs.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { readNewIncident, toReleaseInput } from '../forms.ts';
import { formBody } from '../render.ts';
import { attempt } from '../validate.ts';
import { showDashboard } from './dashboard.ts';
import { namesOf, serviceOptions } from './data.ts';
import { actingUser, templatesOf } from './shared.ts';

/**
 * POST /admin/incidents/:ref/release — the dashboard's release form for a draft an alert
 * opened (the declaring form's fields), through the same command as the API: the person's
 * first message, services and severity make it public; or its "Discard" button for a false alarm.
 */
export const deskReleaseDraftRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .post('/admin/incidents/:ref/release', async (c) => {
      const id = idFromRef('incident', c.req.param('ref'));
      const ref = makeRef('incident', id);
      const body = await formBody(c);
      // A form that names no severity (a script's post) keeps the draft's.
      const values = readNewIncident({ severity: (await readIncident(deps, id)).severity, ...body });
      const checked = toReleaseInput(values, namesOf(await serviceOptions(deps.db)), deps.clock.now(), templatesOf(deps));
      if (!checked.ok) return showDashboard(c, deps, { ref, values, errors: checked.errors }, 400);
      const released = await attempt(() => releaseDraftIncident(actingUser(c, deps), id, checked.input));
      if (!released.ok) return showDashboard(c, deps, { ref, values, errors: released.errors }, 400);
      return c.redirect(`/admin/incidents/${released.value.ref}?done=released`, 303);
    })
    // POST /admin/incidents/:ref/discard — the dashboard's "Discard" for a false alarm.
    .post('/admin/incidents/:ref/discard', async (c) => {
      await discardDraftIncident(actingUser(c, deps), idFromRef('incident', c.req.param('ref')));
      return c.redirect('/admin?done=discarded', 303);
    });
