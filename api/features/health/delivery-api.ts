import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { CHANNELS } from '../../platform/delivery/outbox.ts';
import { listOutages } from '../../platform/delivery/outages.ts';
import { defineRoute, documentedRoutes, json } from '../../platform/http/openapi.ts';

/** The body of /healthz/delivery. */
const DeliveryHealthBody = z
  .object({
    status: z.enum(['ok', 'failing']),
    failing: z.array(
      z.object({
        channel: z.enum(CHANNELS),
        since: z.string().meta({ description: 'When the channel last delivered, or first failed after that' }),
        lastFailureAt: z.string(),
        lastError: z.string().meta({ description: 'What the relay (or the endpoint) answered, e.g. "535: Invalid login"' }),
        failures: z.number().int().meta({ description: 'Failed attempts since' }),
      }),
    ),
    time: z.string(),
  })
  .meta({ id: 'DeliveryHealth' });

const deliveryHealth = defineRoute({
  method: 'get',
  path: '/healthz/delivery',
  summary: 'Whether notices can leave: the mail relay and the other channels',
  description:
    'Red while a channel cannot deliver at all — the mail relay refuses Herald’s credentials (AUTH) or sender (MAIL FROM), or cannot be reached — with the last error and since when. Notices meanwhile wait and are retried; nobody is unsubscribed for it. Green again once a notice gets through.',
  security: [],
  responses: {
    200: json('Every channel delivers', DeliveryHealthBody),
    503: json('A channel cannot deliver; what is wrong and since when', DeliveryHealthBody),
  },
});

/** Whether every channel delivers: what GET /healthz/delivery and GET /healthz say of delivery. */
export async function readDeliveryHealth(db: AppDeps['db'], now: Date) {
  const failing = await listOutages(db);
  return { status: failing.length > 0 ? ('failing' as const) : ('ok' as const), failing, time: now.toISOString() };
}

/** GET /healthz/delivery — 503 saying which channel fails, why and since when; 200 otherwise. */
export const deliveryHealthRoutes = (deps: AppDeps) =>
  documentedRoutes().openapi(deliveryHealth, async (c) => {
    const body = await readDeliveryHealth(deps.db, deps.clock.now());
    return c.json(body, body.status === 'ok' ? 200 : 503, { 'cache-control': 'no-store' });
  });
