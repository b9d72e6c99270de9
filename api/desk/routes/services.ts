import { Hono, type Context } from 'hono';
import { editService } from '../../commands/services.ts';
import { ServiceStatus } from '../../domain/vocabulary.ts';
import type { AppDeps, HeraldEnv } from '../../http/env.ts';
import { common, formBody, needs, renderDesk } from '../render.ts';
import type { FieldErrors } from '../views.ts';
import { serviceOptions } from './data.ts';
import { actingUser } from './shared.ts';

/**
 * GET /admin/services — every service's current status. POST /admin/services/:slug — sets one
 * outside an incident (audited as service.status, republished at once).
 */
export const deskServiceRoutes = (deps: AppDeps) => {
  const show = async (c: Context<HeraldEnv>, errors: FieldErrors) =>
    renderDesk(c, deps, { ...common(c, deps), page: 'services', services: await serviceOptions(deps.db), errors }, Object.keys(errors).length ? 400 : 200);
  return new Hono<HeraldEnv>()
    .get('/admin/services', (c) => show(c, {}))
    .post('/admin/services/:slug', async (c) => {
      needs(c, 'publish');
      const slug = c.req.param('slug');
      const status = ServiceStatus.safeParse((await formBody(c)).status);
      if (!status.success) return show(c, { [slug]: 'Choose one of the listed statuses.' });
      await editService(actingUser(c, deps), slug, { status: status.data });
      return c.redirect('/admin/services?done=service', 303);
    });
};
