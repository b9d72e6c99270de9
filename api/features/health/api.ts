import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { defineRoute, documentedRoutes, json } from '../../platform/http/openapi.ts';
import { readDeliveryHealth } from './delivery-api.ts';
import { readUpstreamHealth } from '../upstreams/index.ts';

const HealthBody = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.enum(['ok', 'unreachable', 'locked', 'missing', 'replaced']),
    /** What is wrong with the database and what to do, when it is not ok. */
    databaseProblem: z.string().optional(),
    snapshot: z.object({
      files: z.number().int(),
      /** The copy in SNAPSHOT_DIR (what nginx, a CDN or a restart reads): `failing` while it cannot be written. */
      mirror: z.object({ state: z.enum(['ok', 'failing', 'off']), pendingFiles: z.number().int(), since: z.string().optional(), error: z.string().optional() }),
    }),
    /** Present when a mirror (MIRROR_COMMAND) copies the site elsewhere. */
    mirror: z
      .object({
        state: z.enum(['ok', 'failing']),
        lagSeconds: z.number(),
        pendingFiles: z.number().int(),
        consecutiveFailures: z.number().int(),
        lastError: z.string().nullable(),
        lastSuccessAt: z.string().nullable(),
      })
      .optional(),
    /**
     * Present with PROMETHEUS_URL: whether Prometheus answers. `failing` names the missing
     * source; the site still publishes with the last stored values, so the status stays 200.
     */
    signals: z
      .object({
        state: z.enum(['ok', 'failing']),
        source: z.string(),
        since: z.string().nullable(),
        error: z.string().nullable(),
        lastSuccessAt: z.string().nullable(),
      })
      .optional(),
    delivery: z.enum(['ok', 'failing', 'unknown']).meta({ description: 'failing: notices cannot leave (GET /healthz/delivery says why)' }),
    /**
     * Present when services follow providers' status pages: each provider that could not be read at
     * its last poll. Reported, not counted in `status`: another company's page being down is not
     * Herald being down (the page says "status unknown" for the service).
     */
    upstreams: z
      .object({
        state: z.enum(['ok', 'unreadable']),
        unreadable: z.array(
          z.object({
            service: z.string(),
            provider: z.string(),
            url: z.string(),
            since: z.string().nullable(),
            error: z.string().nullable(),
            statusUnknown: z.boolean(),
          }),
        ),
      })
      .optional(),
    time: z.string(),
  })
  .meta({ id: 'Health' });

const health = defineRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness and database reachability',
  security: [],
  responses: {
    200: json('The database answers, notices can leave and the snapshot directory takes writes', HealthBody),
    503: json(
      'The database is unreachable, locked by another connection, or its file was deleted or replaced; notices cannot leave; the snapshot directory cannot be written; or the mirror has failed for longer than MIRROR_MAX_LAG_SECONDS. The site is still served from memory',
      HealthBody,
    ),
  },
});

/**
 * GET /healthz — 200 when the database answers, notices can leave and the snapshot directory
 * takes writes; 503 when any fails: the database unreachable, locked by another connection for
 * seconds, or its file deleted or replaced (readers are still served from memory either way,
 * which the body says). With a mirror, 503 too once it has been failing and its copy is older
 * than MIRROR_MAX_LAG_SECONDS: readers of the mirror see an old page. A mirror that is slow but
 * succeeding shows only its lag (and in /metrics).
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
    const delivery =
      database === 'ok' ? ((await readDeliveryHealth(deps.db, deps.clock.now()).catch(() => null))?.status ?? ('unknown' as const)) : ('unknown' as const);
    const upstreams = database === 'ok' ? await readUpstreamHealth(deps.db).catch(() => null) : null;
    const disk = deps.snapshot.mirrorStatus();
    const mirror = deps.mirror?.status();
    const mirrorBehind = mirror !== undefined && mirror.state === 'failing' && mirror.lagSeconds > (deps.mirror?.maxLagSeconds ?? 0);
    const healthy = database === 'ok' && delivery === 'ok' && disk.state !== 'failing' && !mirrorBehind;
    const body = {
      status: healthy ? ('ok' as const) : ('degraded' as const),
      database,
      ...(trouble ? { databaseProblem: trouble.message } : {}),
      snapshot: { files: deps.snapshot.size, mirror: disk },
      delivery,
      ...(upstreams ? { upstreams } : {}),
      ...(mirror ? { mirror: { ...mirror, lagSeconds: Math.round(mirror.lagSeconds * 10) / 10 } } : {}),
      ...(deps.signals ? { signals: deps.signals.status() } : {}),
      time: deps.clock.now().toISOString(),
    };
    return c.json(body, healthy ? 200 : 503, { 'cache-control': 'no-store' });
  });
