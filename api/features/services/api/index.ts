import type { AppDeps } from '../../../deps.ts';
import { documentedRoutes } from '../../../platform/http/openapi.ts';
import { createServiceRoute } from './create.ts';
import { deleteServiceRoute } from './delete.ts';
import { editServiceRoute } from './edit.ts';
import { listServicesRoute } from './list.ts';

/**
 * /api/admin/services: list, create, update (name, group, order, status) and delete — which
 * archives the service and is refused while an open incident names it.
 */
export const adminServiceRoutes = (deps: AppDeps) =>
  documentedRoutes()
    .route('/', listServicesRoute(deps))
    .route('/', createServiceRoute(deps))
    .route('/', editServiceRoute(deps))
    .route('/', deleteServiceRoute(deps));
