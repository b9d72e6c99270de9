import { Hono } from 'hono';
import { discardDraftIncident, releaseDraftIncident } from '../../features/drafts/index.ts';
import { idFromRef, makeRef } from '../../shared/refs.ts';
import { ReleaseDraftInput } from '../../shared/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { acknowledgedIn } from '../forms.ts';
import { formBody } from '../render.ts';
import { attempt, parseForm } from '../validate.ts';
import { showDashboard } from './dashboard.ts';
import { actingUser } from './shared.ts';

/**
 * POST /admin/incidents/:ref/release — the dashboard's release form for a draft an alert
 * opened, through the same command as the API: the person's first message makes it public;
 * or its "Discard" button for a false alarm.
 */
export const deskReleaseDraftRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .post('/admin/incidents/:ref/release', async (c) => {
      const id = idFromRef('incident', c.req.param('ref'));
      const ref = makeRef('incident', id);
      const body = await formBody(c);
      const values = { title: body.title ?? '', status: body.status ?? 'investigating', message: body.message ?? '' };
      const checked = parseForm(
        ReleaseDraftInput,
        { title: values.title || undefined, status: values.status, message: values.message, acknowledgeWarnings: acknowledgedIn(body) || undefined },
        { message: 'Write the first message customers will read.' },
      );
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
