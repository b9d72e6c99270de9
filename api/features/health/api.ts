import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { defineRoute, documentedRoutes, json } from '../../platform/http/openapi.ts';

const HealthBody = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.enum(['ok', 'unreachable']),
    snapshot: z.object({
      files: z.number().int(),
      /** The copy in SNAPSHOT_DIR (what nginx, a CDN or a restart reads): `failing` while it cannot be written. */
      mirror: z.object({ state: z.enum(['ok', 'failing', 'off']), pendingFiles: z.number().int(), since: z.string().optional(), error: z.string().optional() }),
    }),
    time: z.string(),
  })
  .meta({ id: 'Health' });

const health = defineRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness and database reachability',
  security: [],
  responses: {
    200: json('The database answers and the snapshot directory takes writes', HealthBody),
    503: json('The database is unreachable, or the snapshot directory cannot be written; the site is still served from memory', HealthBody),
  },
});

/**
 * GET /healthz — 200 when the database answers and the snapshot directory takes writes, 503
 * when either does not (readers are still served from memory either way, which the body says).
 */
export const healthRoutes = (deps: AppDeps) =>
  documentedRoutes().openapi(health, async (c) => {
    const database = await deps.db
      .execute('SELECT 1')
      .then(() => 'ok' as const)
      .catch(() => 'unreachable' as const);
    const mirror = deps.snapshot.mirrorStatus();
    const ok = database === 'ok' && mirror.state !== 'failing';
    const body = { status: ok ? ('ok' as const) : ('degraded' as const), database, snapshot: { files: deps.snapshot.size, mirror }, time: deps.clock.now().toISOString() };
    return c.json(body, ok ? 200 : 503, { 'cache-control': 'no-store' });
  });
