import { z } from 'zod';
import { Severity } from '../../shared/vocabulary.ts';
import type { AppDeps } from '../../deps.ts';
import { defineRoute, documentedRoutes, json } from '../../platform/http/openapi.ts';
import { assessOpenIncidents } from './assess.ts';
import { freshnessReport } from './metrics.ts';

/** The body of /healthz/freshness (`freshnessReport`). */
const FreshnessBody = z
  .object({
    status: z.enum(['ok', 'overdue']),
    open: z.number().int(),
    nextDeadline: z.string().nullable(),
    overdue: z.array(
      z.object({ ref: z.string(), title: z.string(), severity: Severity, url: z.string(), nextUpdateDueAt: z.string(), overdueMinutes: z.number().int() }),
    ),
    time: z.string(),
  })
  .meta({ id: 'Freshness' });

const freshness = defineRoute({
  method: 'get',
  path: '/healthz/freshness',
  summary: 'Open incidents past their next-update deadline',
  security: [],
  responses: { 200: json('None overdue', FreshnessBody), 503: json('Overdue incidents, listed', FreshnessBody) },
});

/**
 * GET /healthz/freshness — 503 listing the overdue incidents, 200 with an empty list otherwise,
 * so the company's own monitoring pages someone when an update is missed.
 * It computes from the incidents themselves, not from the watchdog's flags, so it stays
 * truthful even if the watchdog stopped. (The same gauges are on /metrics: api/features/health/.)
 */
export const freshnessRoutes = (deps: AppDeps) =>
  documentedRoutes().openapi(freshness, async (c) => {
    const now = deps.clock.now();
    const report = freshnessReport(await assessOpenIncidents(deps.db, now, deps.config), now);
    return c.json(report, report.status === 'ok' ? 200 : 503, { 'cache-control': 'no-store' });
  });
