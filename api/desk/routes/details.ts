import { Hono } from 'hono';
import { editIncident, readIncident } from '../../features/incidents/index.ts';
import { idFromRef } from '../../shared/refs.ts';
import { PatchIncidentInput } from '../../shared/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { formBody } from '../render.ts';
import { attempt, parseForm } from '../validate.ts';
import type { DetailsValues } from '../views.ts';
import { detailsOf, freshUpdate, showIncident } from './incident-page.ts';
import { actingUser } from './shared.ts';

/**
 * POST /admin/incidents/:ref/details — title, severity, impact and commander, through the same
 * command as PATCH /api/admin/incidents/:ref (audited before/after). Only changed fields are
 * sent; an emptied impact or commander is cleared. The commander is who escalations go to.
 * A refused change comes back on the incident page, the details form open with what was typed.
 */
export const deskDetailsRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().post('/admin/incidents/:ref/details', async (c) => {
    const id = idFromRef('incident', c.req.param('ref'));
    const current = await readIncident(deps, id);
    const body = await formBody(c);
    const typed: DetailsValues = {
      title: (body.title ?? '').trim(),
      severity: body.severity ?? current.severity,
      impact: (body.impact ?? '').trim(),
      commander: (body.commander ?? '').trim(),
    };
    const was = detailsOf(current);
    const changed = (Object.keys(typed) as (keyof DetailsValues)[]).filter((key) => typed[key] !== was[key]);
    if (changed.length === 0) return c.redirect(`/admin/incidents/${current.ref}`, 303);
    // An emptied impact or commander is cleared (null); an emptied title is refused by the schema.
    const patch = Object.fromEntries(changed.map((key) => [key, key === 'impact' || key === 'commander' ? typed[key] || null : typed[key]]));
    const refuse = (errors: Record<string, string>) =>
      showIncident(c, deps, current, { mode: 'update', values: freshUpdate(c, deps, current, 'update'), details: { values: typed, errors } });
    const checked = parseForm(PatchIncidentInput, patch);
    if (!checked.ok) return refuse(checked.errors);
    const edited = await attempt(() => editIncident(actingUser(c, deps), id, checked.input));
    if (!edited.ok) return refuse(edited.errors);
    return c.redirect(`/admin/incidents/${current.ref}?done=details`, 303);
  });
