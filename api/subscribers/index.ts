import type { Hono } from 'hono';
import type { AppDeps, HeraldEnv } from '../http/env.ts';
import { webhookRoutes } from '../notify/webhook-routes.ts';
import { subscriberAdminRoutes } from './admin.ts';
import { subscriptionRoutes } from './routes.ts';

/** Mounts the public subscription pages and the admin's subscriber routes, when subscriptions are configured. */
export function mountSubscriptions(app: Hono<HeraldEnv>, deps: AppDeps): void {
  if (!deps.subscriptions) return;
  app.route('/api/admin', subscriberAdminRoutes(deps));
  app.route('/api/admin', webhookRoutes(deps, { allowLocal: deps.subscriptions.webhookAllowLocal ?? false }));
  app.route('/', subscriptionRoutes(deps, deps.subscriptions));
}
