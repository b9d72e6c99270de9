import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { defineRoute, documentedRoutes, json } from '../../platform/http/openapi.ts';
import { readDeliveryHealth } from './delivery-api.ts';

const HealthBody = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.enum(['ok', 'unreachable']),
    snapshot: z.object({ files: z.number().int() }),
    delivery: z.enum(['ok', 'failing', 'unknown']).meta({ description: 'failing: notices cannot leave (GET /healthz/delivery says why)' }),
    time: z.string(),
  })
  .meta({ id: 'Health' });

const health = defineRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness and database reachability',
  security: [],
  responses: {
    200: json('The database answers', HealthBody),
    503: json('The database is unreachable, or notices cannot leave; the site is still served from the snapshot', HealthBody),
  },
});

/**
 * GET /healthz — 200 when the database answers and notices can leave, 503 when either fails
 * (readers are still served from the snapshot either way, which the body says).
 */
export const healthRoutes = (deps: AppDeps) =>
  documentedRoutes().openapi(health, async (c) => {
    const database = await deps.db
      .execute('SELECT 1')
      .then(() => 'ok' as const)
      .catch(() => 'unreachable' as const);
    const delivery = database === 'ok' ? ((await readDeliveryHealth(deps.db, deps.clock.now()).catch(() => null))?.status ?? ('unknown' as const)) : ('unknown' as const);
    const ok = database === 'ok' && delivery === 'ok';
    const body = { status: ok ? ('ok' as const) : ('degraded' as const), database, snapshot: { files: deps.snapshot.size }, delivery, time: deps.clock.now().toISOString() };
    return c.json(body, ok ? 200 : 503, { 'cache-control': 'no-store' });
  });
