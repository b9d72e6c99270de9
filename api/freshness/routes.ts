import { Hono } from 'hono';
import type { AppDeps, HeraldEnv } from '../http/env.ts';
import { assessOpenIncidents } from './assess.ts';
import { freshnessReport, renderMetrics } from './metrics.ts';

/**
 * GET /healthz/freshness — 503 listing the overdue incidents, 200 with an empty list otherwise,
 * so the company's own monitoring pages someone when an update is missed.
 * GET /metrics — Prometheus gauges: open, overdue, seconds to the next deadline.
 * Both compute from the incidents themselves, not from the watchdog's flags, so they stay
 * truthful even if the watchdog stopped.
 */
export const freshnessRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .get('/healthz/freshness', async (c) => {
      const now = deps.clock.now();
      const report = freshnessReport(await assessOpenIncidents(deps.db, now, deps.config), now);
      return c.json(report, report.status === 'ok' ? 200 : 503, { 'cache-control': 'no-store' });
    })
    .get('/metrics', async (c) => {
      const now = deps.clock.now();
      const body = renderMetrics(await assessOpenIncidents(deps.db, now, deps.config), now, { watchdogLastTickAt: deps.watchdog?.lastTickAt() ?? null });
      return c.body(body, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
    });
