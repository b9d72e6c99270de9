import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { NotFoundError } from '../errors.ts';
import type { AppDeps, HeraldEnv } from '../http/env.ts';
import { validate } from '../http/validate.ts';
import { CreateWebhookInput } from '../subscribers/schema.ts';
import { recordAudit } from '../db/audit.ts';
import { insertWebhook, listWebhooks, removeWebhook } from './webhook-store.ts';

/**
 * /api/admin/webhooks: add, list and remove webhook subscribers. Each receives every incident
 * update as Statuspage-shaped JSON, signed in `X-Herald-Signature` (api/notify/hooks.ts).
 * https only, and the target is checked again at every delivery (api/notify/ssrf.ts).
 */
export function webhookRoutes(deps: AppDeps, options: { allowLocal: boolean }) {
  return new Hono<HeraldEnv>()
    .get('/webhooks', async (c) => c.json({ webhooks: await listWebhooks(deps.db) }))
    .post('/webhooks', validate('json', CreateWebhookInput.refine((i) => options.allowLocal || i.url.startsWith('https:'), { path: ['url'], message: 'must be an https URL' })), async (c) => {
      const input = c.req.valid('json');
      const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
      const now = deps.clock.now();
      const id = await deps.db.write(async (tx) => {
        const created = await insertWebhook(tx, input.url, secret, now);
        await recordAudit(tx, { actor: c.get('actor'), action: 'webhook.create', entity: 'webhook', ref: String(created), after: { url: input.url } }, now);
        return created;
      });
      return c.json({ id, url: input.url, secret }, 201);
    })
    .delete('/webhooks/:id', async (c) => {
      const id = Number(c.req.param('id')) || 0;
      const now = deps.clock.now();
      const removed = await deps.db.write(async (tx) => {
        const done = await removeWebhook(tx, id, now);
        if (done) await recordAudit(tx, { actor: c.get('actor'), action: 'webhook.delete', entity: 'webhook', ref: String(id) }, now);
        return done;
      });
      if (!removed) throw new NotFoundError(`[Webhooks] No webhook "${c.req.param('id')}". GET /api/admin/webhooks lists them.`);
      return c.body(null, 204);
    });
}
