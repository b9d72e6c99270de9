import { Hono } from 'hono';
import { z } from 'zod';
import { loadIncident } from '../db/incidents.ts';
import { NotFoundError } from '../errors.ts';
import { as } from '../commands/context.ts';
import type { AppDeps, HeraldEnv } from '../http/env.ts';
import { validate } from '../http/validate.ts';
import { deliveryCounts } from '../notify/outbox.ts';
import { idFromRef } from '../domain/refs.ts';
import { toCsv } from './csv.ts';
import { importSubscribers, removeSubscriber } from './import.ts';
import { ImportInput, Subscriber, SubscriberListQuery } from './schema.ts';
import { countByState, listSubscribers } from './store.ts';

const SubscriberId = z.coerce.number().int().positive();

/**
 * Under /api/admin (bearer auth already applies): subscribers — counts by state and search,
 * removal, CSV export and import — and per-update delivery counts of an incident.
 */
export function subscriberAdminRoutes(deps: AppDeps) {
  return new Hono<HeraldEnv>()
    .get('/subscribers', validate('query', SubscriberListQuery), async (c) => {
      const query = c.req.valid('query');
      const [counts, subscribers] = [await countByState(deps.db), await listSubscribers(deps.db, query)];
      return c.json({ counts, subscribers: subscribers.map((s) => Subscriber.parse(s)) });
    })
    .get('/subscribers/export.csv', async (c) => {
      const rows: string[][] = [['email', 'state', 'services', 'source', 'created_at', 'confirmed_at', 'unsubscribed_at']];
      for (let afterId: number | undefined, page: Subscriber[]; (page = await listSubscribers(deps.db, { limit: 1000, ...(afterId ? { afterId } : {}) })).length > 0; afterId = page.at(-1)?.id) {
        for (const s of page) rows.push([s.email, s.state, s.services?.join(' ') ?? '', s.source, s.createdAt, s.confirmedAt ?? '', s.unsubscribedAt ?? '']);
      }
      return c.body(toCsv(rows), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="subscribers.csv"' });
    })
    .post('/subscribers/import', validate('json', ImportInput), async (c) => c.json(await importSubscribers(as(deps, c.get('actor')), c.req.valid('json')), 201))
    .delete('/subscribers/:id', async (c) => {
      const id = SubscriberId.safeParse(c.req.param('id'));
      if (!id.success) throw new NotFoundError(`[Subscribers] No subscriber "${c.req.param('id')}". GET /api/admin/subscribers?q=… finds one.`);
      await removeSubscriber(as(deps, c.get('actor')), id.data);
      return c.body(null, 204);
    })
    .get('/incidents/:ref/deliveries', async (c) => {
      const incidentId = idFromRef('incident', c.req.param('ref'));
      await loadIncident(deps.db, incidentId);
      return c.json({ updates: await deliveryCounts(deps.db, incidentId) });
    });
}
