import { z } from 'zod';
import { as } from '../../../platform/commands.ts';
import { receiveAlert } from '../commands.ts';
import { fromPagerDuty, IntakeMapping, IntakeResult, PagerDutyWebhook } from '../rules.ts';
import type { AppDeps } from '../../../deps.ts';
import { defineGuardedRoute, documentedRoutes, errors, json, jsonBody } from '../../../platform/http/openapi.ts';
import { requirePagerDutySignature } from '../signatures.ts';
import { countRefusals } from './refusals.ts';

const route = (secret: string | undefined) =>
  defineGuardedRoute(
    {
      method: 'post',
      path: '/pagerduty',
      summary:
        "PagerDuty's v3 webhooks: incident.triggered opens a draft incident, incident.acknowledged records the acknowledgement, incident.resolved is noted",
      description:
        'Signed, not bearer-authenticated: `X-PagerDuty-Signature` must carry `v1=<hex HMAC-SHA256 of the body>` under PAGERDUTY_WEBHOOK_SECRET (401 otherwise; 503 while it is not set). Other event types are accepted and ignored. Each event id is taken once (a delivery sent again answers `duplicate: true`); an event whose `occurred_at` is over an hour old, or over 5 minutes ahead, is refused (422 `stale_event`). Past 50 open drafts, an event that would open another is refused (429, Retry-After).',
      security: [],
      request: {
        headers: z.object({
          'x-pagerduty-signature': z.string().optional().meta({ example: 'v1=f03de6f61df6e454f3620c4d6aca17ad072d3f8bbb2760eac3b2ad391b5e8073' }),
        }),
        body: jsonBody(PagerDutyWebhook),
      },
      responses: { 200: json('Received', IntakeResult), ...errors(400, 401, 413, 415, 422, 429, 503) },
    },
    [requirePagerDutySignature(secret)],
  );

/**
 * POST /api/intake/pagerduty — verified by PagerDuty's signature, acting as `intake:pagerduty`.
 * Each event is taken once (by its id) and only within the replay window of its `occurred_at`.
 */
export const pagerDutyRoute = (deps: AppDeps) => {
  const counted = countRefusals(deps);
  return documentedRoutes().openapi(route(deps.config.pagerdutyWebhookSecret), async (c) => {
    const alert = fromPagerDuty(c.req.valid('json'), deps.intake ?? IntakeMapping.parse({}));
    if (!alert) return c.json({ incident: null, opened: false, acknowledged: false, ignored: true, duplicate: false }, 200);
    const outcome = await counted(c, 'pagerduty', () => receiveAlert(as(deps, { kind: 'intake', source: 'pagerduty', token: null }), alert));
    return c.json({ ...outcome, ignored: false }, 200);
  });
};
