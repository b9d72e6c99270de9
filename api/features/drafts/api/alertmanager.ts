import { as } from '../../../platform/commands.ts';
import { receiveAlert } from '../commands.ts';
import { AlertmanagerPayload, fromAlertmanager, IntakeMapping, IntakeResult } from '../rules.ts';
import { requireIntakeToken } from '../../access/index.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineRoute, documentedRoutes, errors, json, jsonBody } from '../../../platform/http/openapi.ts';
import { countRefusals } from './refusals.ts';

const post = defineRoute({
  method: 'post',
  path: '/alertmanager',
  summary: "Prometheus Alertmanager's webhook (version 4): a firing group opens a draft incident, never public until released",
  description:
    'Point a `webhook_configs` receiver here with `http_config.authorization.credentials` set to a token made by `npm run token -- create NAME --role intake`. Alerts of one `groupKey` attach to one draft, and so do new groups naming a service an open draft already names; a resolved notification is noted on it. Past 50 open drafts, a group that would open another is refused (429, Retry-After).',
  request: { body: jsonBody(AlertmanagerPayload) },
  responses: { 200: json('Received', IntakeResult), ...errors(400, 401, 403, 413, 415, 429) },
});

/** POST /api/intake/alertmanager — bearer token of the intake role (or admin). */
export const alertmanagerRoute = (deps: AppDeps) => {
  const counted = countRefusals(deps);
  // The token is checked before anything else, as a middleware of the path (not of the route).
  return withIntakeToken(deps, documentedRoutes()).openapi(post, async (c) => {
    const token = c.get('actor');
    const actor = { kind: 'intake', source: 'alertmanager', token: token.kind === 'token' ? token.name : null } as const;
    const outcome = await counted(c, 'alertmanager', () =>
      receiveAlert(as(deps, actor), fromAlertmanager(c.req.valid('json'), deps.intake ?? IntakeMapping.parse({}))),
    );
    return c.json({ ...outcome, ignored: false }, 200);
  });
};

function withIntakeToken<T extends ReturnType<typeof documentedRoutes>>(deps: AppDeps, routes: T): T {
  routes.use('/alertmanager', requireIntakeToken({ db: deps.db, adminToken: deps.config.adminToken }));
  return routes;
}
