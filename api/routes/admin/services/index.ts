import { Hono } from 'hono';
import { recordAudit } from '../../../db/audit.ts';
import { archiveService, assertGroupExists, getService, insertService, listServices, updateService } from '../../../db/services.ts';
import { CreateServiceInput, PatchServiceInput, Service } from '../../../domain/schemas.ts';
import type { AppDeps, HeraldEnv } from '../../../http/env.ts';
import { republish } from '../../../http/republish.ts';
import { validate } from '../../../http/validate.ts';

const shape = (s: Service) => Service.parse(s);

/**
 * /api/admin/services: list, create, update (name, group, order, status) and delete — which
 * archives the service and is refused while an open incident names it.
 */
export const servicesRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .get('/', async (c) => c.json({ services: (await listServices(deps.db)).map(shape) }))
    .get('/:slug', async (c) => c.json(shape(await getService(deps.db, c.req.param('slug')))))
    .post('/', validate('json', CreateServiceInput), async (c) => {
      const input = c.req.valid('json');
      const now = deps.clock.now();
      await deps.db.write(async (tx) => {
        await assertGroupExists(tx, input.group);
        await insertService(tx, input, now);
        await recordAudit(tx, { actor: c.get('actor'), action: 'service.create', entity: 'service', ref: input.slug, after: input }, now);
      });
      await republish(deps, []);
      return c.json(shape(await getService(deps.db, input.slug)), 201, { Location: `/api/admin/services/${input.slug}` });
    })
    .patch('/:slug', validate('json', PatchServiceInput), async (c) => {
      const slug = c.req.param('slug');
      const patch = c.req.valid('json');
      const now = deps.clock.now();
      await deps.db.write(async (tx) => {
        const before = await getService(tx, slug);
        await assertGroupExists(tx, patch.group);
        const eventId = await updateService(tx, slug, patch, now);
        if (eventId !== null) await deps.notifier?.serviceChanged?.(tx, eventId, now);
        await recordAudit(tx, { actor: c.get('actor'), action: 'service.edit', entity: 'service', ref: slug, before: shape(before), after: patch }, now);
      });
      await republish(deps, []);
      return c.json(shape(await getService(deps.db, slug)));
    })
    .delete('/:slug', async (c) => {
      const slug = c.req.param('slug');
      const now = deps.clock.now();
      await deps.db.write(async (tx) => {
        const before = await archiveService(tx, slug, now);
        await recordAudit(tx, { actor: c.get('actor'), action: 'service.delete', entity: 'service', ref: slug, before: shape(before) }, now);
      });
      await republish(deps, []);
      return c.body(null, 204);
    });
