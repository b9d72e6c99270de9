import type { AppDeps } from '../../../deps.ts';
import { documentedRoutes } from '../../../platform/http/openapi.ts';
import { scheduleMaintenanceRoute } from './create.ts';
import { extendMaintenanceRoute } from './extend.ts';
import { listMaintenanceRoute } from './list.ts';
import { rescheduleMaintenanceRoutes } from './reschedule.ts';
import { maintenanceSeriesRoutes } from './series.ts';
import { postMaintenanceUpdateRoute } from './update.ts';

/** Everything under /api/admin/maintenance. */
export const adminMaintenanceRoutes = (deps: AppDeps) =>
  documentedRoutes()
    // Before '/{ref}': /series/… is a series, never a window's reference.
    .route('/', maintenanceSeriesRoutes(deps))
    .route('/', scheduleMaintenanceRoute(deps))
    .route('/', listMaintenanceRoute(deps))
    .route('/', postMaintenanceUpdateRoute(deps))
    .route('/', extendMaintenanceRoute(deps))
    .route('/', rescheduleMaintenanceRoutes(deps));
