import type { AppDeps } from '../../../deps.ts';
import { documentedRoutes } from '../../../platform/http/openapi.ts';
import { alertmanagerRoute } from './alertmanager.ts';
import { pagerDutyRoute } from './pagerduty.ts';

/** Everything under /api/intake: monitoring systems' alerts, which open drafts nobody outside sees. */
export const intakeRoutes = (deps: AppDeps) => documentedRoutes().route('/', alertmanagerRoute(deps)).route('/', pagerDutyRoute(deps));
