import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { UnauthorizedError } from '../../shared/errors.ts';
import { defineRoute, documentedRoutes, errors } from '../../platform/http/openapi.ts';
import type { Metrics } from './registry.ts';

const metrics = defineRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus text metrics',
  description: 'Needs `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set; open otherwise. docs/operating.md lists the metrics.',
  security: [],
  responses: {
    200: {
      description:
        'herald_http_request_duration_seconds, herald_publish_duration_seconds, herald_outbox_depth, herald_outbox_oldest_age_seconds, herald_deliveries_total, herald_incidents_open, herald_incidents_overdue, herald_next_deadline_seconds, …',
      content: { 'text/plain': { schema: z.string() } },
    },
    ...errors(401),
  },
});

/**
 * GET /metrics — Prometheus text exposition. With METRICS_TOKEN set it needs
 * `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials: … }`).
 */
export const metricsRoutes = (deps: { metrics: Pick<Metrics, 'render' | 'contentType'>; config: { metricsToken?: string | undefined } }) =>
  documentedRoutes().openapi(metrics, async (c) => {
    const token = deps.config.metricsToken;
    if (token && !sameSecret(/^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '', token)) {
      throw new UnauthorizedError('[Metrics] /metrics needs "Authorization: Bearer <METRICS_TOKEN>".');
    }
    // `Content-Type` spelled as c.text spells it, so this one replaces its default.
    return c.text(await deps.metrics.render(), 200, { 'Content-Type': deps.metrics.contentType, 'cache-control': 'no-store' });
  });

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
