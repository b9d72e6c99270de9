import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { defineRoute, documentedRoutes, json } from '../../platform/http/openapi.ts';

const HealthBody = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.enum(['ok', 'unreachable', 'locked', 'missing', 'replaced']),
    /** What is wrong with the database and what to do, when it is not ok. */
    databaseProblem: z.string().optional(),
    snapshot: z.object({ files: z.number().int() }),
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
    503: json('The database is unreachable, locked by another connection, or its file was deleted or replaced; the site is still served from the snapshot', HealthBody),
  },
});

/**
 * GET /healthz — 200 when the database answers, 503 when it does not, when another connection
 * has kept it locked for seconds, or when its file was deleted or replaced (readers are still
 * served from the snapshot either way, which the body says).
 */
export const healthRoutes = (deps: AppDeps) =>
  documentedRoutes().openapi(health, async (c) => {
    const trouble = deps.db.trouble();
    const database = trouble
      ? trouble.state
      : await deps.db
          .execute('SELECT 1')
          .then(() => 'ok' as const)
          .catch(() => 'unreachable' as const);
    const body = {
      status: database === 'ok' ? ('ok' as const) : ('degraded' as const),
      database,
      ...(trouble ? { databaseProblem: trouble.message } : {}),
      snapshot: { files: deps.snapshot.size },
      time: deps.clock.now().toISOString(),
    };
    return c.json(body, database === 'ok' ? 200 : 503, { 'cache-control': 'no-store' });
  });
