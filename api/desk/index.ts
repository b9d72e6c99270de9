import { Hono } from 'hono';
import type { AppDeps, HeraldEnv } from '../http/env.ts';
import { accountRoutes } from './routes/account.ts';
import { auditRoutes } from './routes/audit.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { detailsRoutes } from './routes/details.ts';
import { editUpdateRoutes } from './routes/edit-update.ts';
import { incidentRoutes } from './routes/incident.ts';
import { newIncidentRoutes } from './routes/new-incident.ts';
import { previewRoutes } from './routes/preview.ts';
import { servicesDeskRoutes } from './routes/services.ts';
import { signInRoutes } from './routes/sign-in.ts';
import { tokensRoutes } from './routes/tokens.ts';
import { usersRoutes } from './routes/users.ts';

/**
 * The comms lead's desk under /admin: server-rendered pages and plain form posts (each works
 * without JavaScript). The gate in front of it (`requireDesk`) has already checked the
 * session, the origin and the CSRF token.
 */
export const deskRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .route('/', signInRoutes(deps))
    .route('/', dashboardRoutes(deps))
    .route('/', newIncidentRoutes(deps))
    .route('/', editUpdateRoutes(deps))
    .route('/', detailsRoutes(deps))
    .route('/', incidentRoutes(deps))
    .route('/', auditRoutes(deps))
    .route('/', servicesDeskRoutes(deps))
    .route('/', accountRoutes(deps))
    .route('/', tokensRoutes(deps))
    .route('/', usersRoutes(deps))
    .route('/', previewRoutes(deps));
