import { Hono, type Context } from 'hono';
import { editService } from '../../features/services/index.ts';
import { PatchServiceInput } from '../../shared/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { common, formBody, renderDesk } from '../render.ts';
import { attempt, parseForm } from '../validate.ts';
import type { FieldErrors } from '../views.ts';
import { serviceOptions } from './data.ts';
import { actingUser } from './shared.ts';

/** The services page: every service's current status, with each one's form (errors keyed by slug). */
const showServices = async (c: Context<HeraldEnv>, deps: AppDeps, errors: FieldErrors) =>
  renderDesk(c, deps, { ...common(c, deps), page: 'services', services: await serviceOptions(deps.db), errors }, Object.keys(errors).length ? 400 : 200);

/** GET /admin/services — every service's current status (read-only). */
export const deskServiceRoutes = (deps: AppDeps) => new Hono<HeraldEnv>().get('/admin/services', (c) => showServices(c, deps, {}));

/** POST /admin/services/:slug — sets one outside an incident (audited as service.status, republished at once). */
export const deskServiceStatusRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().post('/admin/services/:slug', async (c) => {
    const slug = c.req.param('slug');
    // The page has one small form per service: its error goes beside that service's status.
    const refuse = (errors: FieldErrors) => showServices(c, deps, { [slug]: errors.status ?? Object.values(errors)[0] ?? '' });
    const checked = parseForm(PatchServiceInput, { status: (await formBody(c)).status }, { status: 'Choose one of the listed statuses.' });
    if (!checked.ok) return refuse(checked.errors);
    const saved = await attempt(() => editService(actingUser(c, deps), slug, checked.input));
    if (!saved.ok) return refuse(saved.errors);
    return c.redirect('/admin/services?done=service', 303);
  });
