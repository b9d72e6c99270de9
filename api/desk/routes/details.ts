import { Hono } from 'hono';
import { editIncident, readIncident } from '../../commands/incidents.ts';
import { PatchIncidentInput } from '../../domain/schemas.ts';
import { ValidationError } from '../../errors.ts';
import type { AppDeps, HeraldEnv } from '../../http/env.ts';
import { idFromRef } from '../../domain/refs.ts';
import { formBody, needs } from '../render.ts';
import { actingUser } from './shared.ts';

/**
 * POST /admin/incidents/:ref/details — title, severity, impact and commander, through the same
 * command as PATCH /api/admin/incidents/:ref (audited before/after). Only changed fields are
 * sent; an emptied impact or commander is cleared. The commander is who escalations go to.
 */
export const deskDetailsRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().post('/admin/incidents/:ref/details', async (c) => {
    needs(c, 'publish');
    const id = idFromRef('incident', c.req.param('ref'));
    const current = await readIncident(deps, id);
    const body = await formBody(c);
    const wanted = {
      title: (body.title ?? '').trim(),
      severity: body.severity ?? current.severity,
      impact: (body.impact ?? '').trim() || null,
      commander: (body.commander ?? '').trim() || null,
    };
    const patch = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => current[key as keyof typeof wanted] !== value));
    if (Object.keys(patch).length === 0) return c.redirect(`/admin/incidents/${current.ref}`, 303);
    const parsed = PatchIncidentInput.safeParse(patch);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => ({ path: String(i.path[0] ?? 'details'), message: i.message }));
      throw new ValidationError(`[Desk] ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
    }
    await editIncident(actingUser(c, deps), id, parsed.data);
    return c.redirect(`/admin/incidents/${current.ref}?done=details`, 303);
  });
