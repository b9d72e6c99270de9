import type { Hono } from 'hono';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { subscriberAdminRoutes } from './admin-api.ts';
import { subscriptionRoutes } from './public-api.ts';

/** Mounts the public subscription pages and the admin's subscriber routes. */
export function mountSubscriptions(app: Hono<HeraldEnv>, deps: AppDeps): void {
  app.route('/api/admin', subscriberAdminRoutes(deps));
  app.route('/', subscriptionRoutes(deps));
}
