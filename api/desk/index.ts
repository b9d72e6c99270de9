import { Hono } from 'hono';
import type { AppDeps, HeraldEnv } from '../http/env.ts';
import { deskAccountRoutes } from './routes/account.ts';
import { deskAuditRoutes } from './routes/audit.ts';
import { deskDashboardRoutes } from './routes/dashboard.ts';
import { deskDetailsRoutes } from './routes/details.ts';
import { deskEditUpdateRoutes } from './routes/edit-update.ts';
import { deskIncidentRoutes } from './routes/incident.ts';
import { deskNewIncidentRoutes } from './routes/new-incident.ts';
import { deskPreviewRoutes } from './routes/preview.ts';
import { deskServiceRoutes } from './routes/services.ts';
import { deskSignInRoutes } from './routes/sign-in.ts';
import { deskTokenRoutes } from './routes/tokens.ts';
import { deskUserRoutes } from './routes/users.ts';

/**
 * The comms lead's desk under /admin: server-rendered pages and plain form posts (each works
 * without JavaScript). The gate in front of it (`requireDesk`) has already checked the
 * session, the origin and the CSRF token.
 */
export const deskRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .route('/', deskSignInRoutes(deps))
    .route('/', deskDashboardRoutes(deps))
    .route('/', deskNewIncidentRoutes(deps))
    .route('/', deskEditUpdateRoutes(deps))
    .route('/', deskDetailsRoutes(deps))
    .route('/', deskIncidentRoutes(deps))
    .route('/', deskAuditRoutes(deps))
    .route('/', deskServiceRoutes(deps))
    .route('/', deskAccountRoutes(deps))
    .route('/', deskTokenRoutes(deps))
    .route('/', deskUserRoutes(deps))
    .route('/', deskPreviewRoutes(deps));
