import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import type { AppDeps, HeraldEnv } from './deps.ts';
import { deskErrorPage } from './desk/errors.ts';
import { deskRoutes } from './desk/index.ts';
import { requireAdmin, requireAdminRole, requireDesk } from './features/access/index.ts';
import { intakeRoutes, releaseDraftRoute } from './features/drafts/index.ts';
import { freshnessRoutes } from './features/freshness/index.ts';
import { deliveryHealthRoutes, healthRoutes, metricsRoutes, openapiRoute } from './features/health/index.ts';
import { adminIncidentRoutes, shortLinkRoutes } from './features/incidents/index.ts';
import { adminMaintenanceRoutes } from './features/maintenance/index.ts';
import { postmortemRoutes } from './features/postmortems/index.ts';
import { acknowledgeIncidentRoute, adminReportRoutes, incidentFollowUpRoutes } from './features/plan/index.ts';
import { adminProposalRoutes } from './features/proposals/index.ts';
import { uptimeReportRoutes } from './features/reports/index.ts';
import { adminServiceRoutes } from './features/services/index.ts';
import { mountSubscriptions } from './features/subscribers/index.ts';
import { ticketRoutes } from './features/tickets/index.ts';
import { webhookRoutes } from './features/webhooks/index.ts';
import { limitBodies } from './platform/http/body-limit.ts';
import { pageSecurityHeaders } from './platform/http/csp.ts';
import { handleError } from './platform/http/errors.ts';
import { isDeskPath, requireDecodablePath } from './platform/http/paths.ts';
import { publicSearchRoutes } from './site/search-route.ts';
import { lookup, PUBLIC_REFERRER_POLICY, respondWith, snapshotPath } from './site/serve.ts';
import { NotFoundError } from './shared/errors.ts';

/**
 * Builds Herald's HTTP app from explicit dependencies (assembled by api/assemble.ts): the admin
 * API, the desk, subscriptions, health, the OpenAPI document, and the published snapshot for
 * everything public. Nothing here reads the environment or starts a timer.
 */
export function createApp(deps: AppDeps) {
  // OpenAPIHono: mounting a documented route group also gathers its OpenAPI operations.
  const app = new OpenAPIHono<HeraldEnv>();
  app.onError(handleError(deps.log, deskErrorPage(deps)));
  app.use(requestId());
  // Every answer says how much of its URL other sites may learn; pages set their own, stricter.
  app.use(async (c, next) => {
    await next();
    if (!c.res.headers.has('referrer-policy')) c.res.headers.set('referrer-policy', PUBLIC_REFERRER_POLICY);
  });
  // A path the guards and the router would read differently is refused before either reads it.
  app.use(requireDecodablePath());
  // Every body, public, desk or admin, is capped before anything can parse it.
  app.use(limitBodies());
  // Before any routing, so no spelling of an admin path slips past.
  app.use(requireAdmin({ db: deps.db, adminToken: deps.config.adminToken }));
  // The desk (/admin, every spelling): session, same-origin and CSRF checks, also before routing.
  app.use(requireDesk(deps));
  // The route groups' own lock, in case the front check above ever misjudges a spelling.
  app.use('/api/admin/*', requireAdminRole());
  app.route('/api/admin/incidents', adminIncidentRoutes(deps));
  // An incident's plan measures, tickets and the release of a draft live with their features, under the same path.
  app.route('/api/admin/incidents', acknowledgeIncidentRoute(deps));
  app.route('/api/admin/incidents', incidentFollowUpRoutes(deps));
  app.route('/api/admin/incidents', postmortemRoutes(deps));
  app.route('/api/admin/incidents', ticketRoutes(deps));
  app.route('/api/admin/incidents', releaseDraftRoute(deps));
  app.route('/api/admin/services', adminServiceRoutes(deps));
  app.route('/api/admin/proposals', adminProposalRoutes(deps));
  app.route('/api/admin/maintenance', adminMaintenanceRoutes(deps));
  app.route('/api/admin/reports', adminReportRoutes(deps));
  app.route('/api/admin/reports', uptimeReportRoutes(deps));
  app.route('/api/intake', intakeRoutes(deps));
  mountSubscriptions(app, deps);
  app.route('/api/admin', webhookRoutes(deps));
  app.route('/', healthRoutes(deps));
  app.route('/', deliveryHealthRoutes(deps));
  app.route('/', freshnessRoutes(deps));
  app.route('/', metricsRoutes(deps));
  app.route('/', deskRoutes(deps));
  app.route('/', publicSearchRoutes(deps));
  app.route('/', shortLinkRoutes());
  app.route('/', openapiRoute(app));

  // Everything public is a published file, answered from memory: no database on this path,
  // but for an archive page the background rendering after a fresh start has not reached yet.
  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const entry = lookup(deps.snapshot, c.req.path) ?? (await deps.publisher.pageOnDemand(snapshotPath(c.req.path)));
    if (!entry) return next();
    const served = respondWith(entry, {
      method: c.req.method,
      ifNoneMatch: c.req.header('if-none-match'),
      ifModifiedSince: c.req.header('if-modified-since'),
      acceptEncoding: c.req.header('accept-encoding'),
    });
    if (!served.body) return c.body(null, served.status, served.headers);
    return c.body(served.body as Uint8Array<ArrayBuffer>, 200, served.headers);
  });

  app.notFound((c) => {
    const page = deps.snapshot.get('/404.html');
    // The desk answers its own 404 as a desk page (through onError), not the public one.
    const wantsHtml = (c.req.header('accept') ?? '').includes('text/html') && !c.req.path.startsWith('/api/') && !isDeskPath(c.req.path);
    if (page && wantsHtml)
      return c.html(page.body.toString(), 404, pageSecurityHeaders(page.body.toString(), { framing: false, referrer: PUBLIC_REFERRER_POLICY }));
    throw new NotFoundError(`[HTTP] Nothing at ${c.req.path}. The status page is at /, the API is described at /api/openapi.json.`);
  });
  return app;
}

export type HeraldApp = ReturnType<typeof createApp>;
