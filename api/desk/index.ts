import { Hono } from 'hono';
import type { AppDeps, HeraldEnv } from '../deps.ts';
import { permissionGroup } from './permissions.ts';
import { deskAccountRoutes } from './routes/account.ts';
import { deskAcknowledgeRoutes } from './routes/acknowledge.ts';
import { deskAuditRoutes } from './routes/audit.ts';
import { deskDashboardRoutes } from './routes/dashboard.ts';
import { deskDetailsRoutes } from './routes/details.ts';
import { deskEditUpdateRoutes } from './routes/edit-update.ts';
import { deskFollowUpRoutes } from './routes/follow-up.ts';
import { deskIncidentRoutes, deskIncidentUpdateRoutes } from './routes/incident.ts';
import { deskMaintenanceReadRoutes, deskMaintenanceWriteRoutes } from './routes/maintenance.ts';
import { deskNewIncidentRoutes } from './routes/new-incident.ts';
import { deskPreviewRoutes } from './routes/preview.ts';
import { deskProposalRoutes } from './routes/proposals.ts';
import { deskReleaseDraftRoutes } from './routes/release-draft.ts';
import { deskReportRoutes } from './routes/reports.ts';
import { deskServiceRoutes, deskServiceStatusRoutes } from './routes/services.ts';
import { deskSearchRoutes } from './routes/search.ts';
import { deskSignInRoutes } from './routes/sign-in.ts';
import { deskTicketRoutes } from './routes/tickets.ts';
import { deskTokenRoutes } from './routes/tokens.ts';
import { deskUserRoutes } from './routes/users.ts';

/**
 * The comms lead's desk under /admin: server-rendered pages and plain form posts (each works
 * without JavaScript). The gate in front of it (`requireDesk`) has already checked the
 * session, the origin and the CSRF token; here each route sits in the group of the permission
 * it needs (api/shared/roles.ts), and the group checks the role before any handler runs.
 */
export const deskRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    // Sign-in and sign-out: the gate lets them through without a session.
    .route('/', deskSignInRoutes(deps))
    // Before `read`: /admin/incidents/new (and /admin/maintenance/new) must be matched before /admin/incidents/:ref.
    .route(
      '/',
      permissionGroup(
        'post',
        deskNewIncidentRoutes(deps),
        deskEditUpdateRoutes(deps),
        deskIncidentUpdateRoutes(deps),
        deskDetailsRoutes(deps),
        deskServiceStatusRoutes(deps),
        deskPreviewRoutes(deps),
        deskAcknowledgeRoutes(deps),
        deskFollowUpRoutes(deps),
        deskMaintenanceWriteRoutes(deps),
        deskReleaseDraftRoutes(deps),
        deskProposalRoutes(deps),
      ),
    )
    .route('/', permissionGroup('manage', deskTokenRoutes(deps), deskUserRoutes(deps)))
    .route('/', permissionGroup('link', deskTicketRoutes(deps)))
    // Every role; the account page is each user's own password.
    .route(
      '/',
      permissionGroup(
        'read',
        deskDashboardRoutes(deps),
        deskSearchRoutes(deps),
        deskIncidentRoutes(deps),
        deskAuditRoutes(deps),
        deskReportRoutes(deps),
        deskServiceRoutes(deps),
        deskAccountRoutes(deps),
        deskMaintenanceReadRoutes(deps),
      ),
    );
