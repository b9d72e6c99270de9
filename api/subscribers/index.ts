import type { Hono } from 'hono';
import type { AppDeps, HeraldEnv } from '../http/env.ts';
import { webhookRoutes } from '../notify/webhook-routes.ts';
import { subscriberAdminRoutes } from './admin.ts';
import { subscriptionRoutes } from './routes.ts';

/** Mounts the public subscription pages and the admin's subscriber and webhook routes. */
export function mountSubscriptions(app: Hono<HeraldEnv>, deps: AppDeps): void {
  app.route('/api/admin', subscriberAdminRoutes(deps));
  app.route('/api/admin', webhookRoutes(deps));
  app.route('/', subscriptionRoutes(deps));
}
