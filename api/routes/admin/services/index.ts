import { Hono } from 'hono';
import { as } from '../../../commands/context.ts';
import { createService, deleteService, editService } from '../../../commands/services.ts';
import { getService, listServices } from '../../../db/services.ts';
import { CreateServiceInput, PatchServiceInput, Service } from '../../../domain/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { validate } from '../../../http/validate.ts';

const shape = (s: Service) => Service.parse(s);

/**
 * /api/admin/services: list, create, update (name, group, order, status) and delete — which
 * archives the service and is refused while an open incident names it.
 */
export const adminServiceRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .get('/', async (c) => c.json({ services: (await listServices(deps.db)).map(shape) }))
    .get('/:slug', async (c) => c.json(shape(await getService(deps.db, c.req.param('slug')))))
    .post('/', validate('json', CreateServiceInput), async (c) => {
      const service = await createService(as(deps, c.get('actor')), c.req.valid('json'));
      return c.json(service, 201, { Location: `/api/admin/services/${service.slug}` });
    })
    .patch('/:slug', validate('json', PatchServiceInput), async (c) => c.json(await editService(as(deps, c.get('actor')), c.req.param('slug'), c.req.valid('json'))))
    .delete('/:slug', async (c) => {
      await deleteService(as(deps, c.get('actor')), c.req.param('slug'));
      return c.body(null, 204);
    });
