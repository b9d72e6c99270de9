import { Hono } from 'hono';
import type { AppDeps, HeraldEnv } from '../http/env.ts';

/**
 * GET /healthz — 200 when the database answers, 503 when it does not (readers are still
 * served from the snapshot either way, which the body says).
 */
export const healthRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().get('/healthz', async (c) => {
    const database = await deps.db
      .execute('SELECT 1')
      .then(() => 'ok' as const)
      .catch(() => 'unreachable' as const);
    const body = { status: database === 'ok' ? 'ok' : 'degraded', database, snapshot: { files: deps.snapshot.size }, time: deps.clock.now().toISOString() };
    return c.json(body, database === 'ok' ? 200 : 503, { 'cache-control': 'no-store' });
  });
