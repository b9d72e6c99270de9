import { Hono } from 'hono';
import { addWebhook, deleteWebhook } from '../commands/webhooks.ts';
import { as } from '../commands/context.ts';
import { listWebhooks } from '../db/webhooks.ts';
import type { AppDeps, HeraldEnv } from '../http/env.ts';
import { validate } from '../http/validate.ts';
import { CreateWebhookInput } from '../subscribers/schema.ts';

/**
 * /api/admin/webhooks: add, list and remove webhook subscribers. Each receives every incident
 * update as Statuspage-shaped JSON, signed in `X-Herald-Signature` (api/notify/hooks.ts).
 * https only, and the target is checked again at every delivery (api/notify/ssrf.ts).
 */
export function webhookRoutes(deps: AppDeps) {
  const allowLocal = deps.subscriptions.webhookAllowLocal;
  return new Hono<HeraldEnv>()
    .get('/webhooks', async (c) => c.json({ webhooks: await listWebhooks(deps.db) }))
    .post('/webhooks', validate('json', CreateWebhookInput.refine((i) => allowLocal || i.url.startsWith('https:'), { path: ['url'], message: 'must be an https URL' })), async (c) =>
      c.json(await addWebhook(as(deps, c.get('actor')), c.req.valid('json')), 201),
    )
    .delete('/webhooks/:id', async (c) => {
      await deleteWebhook(as(deps, c.get('actor')), Number(c.req.param('id')) || 0);
      return c.body(null, 204);
    });
}
