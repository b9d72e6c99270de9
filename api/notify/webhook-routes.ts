import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { NotFoundError } from '../errors.ts';
import type { AppDeps, HeraldEnv } from '../http/env.ts';
import { validate } from '../http/validate.ts';

export const CreateWebhookInput = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an https URL' }).max(2000),
    /** The signing secret; Herald makes one (shown once) when absent. */
    secret: z.string().min(16, 'use at least 16 characters').max(200).optional(),
  })
  .strict();

/**
 * /api/admin/webhooks: add, list and remove webhook subscribers. Each receives every incident
 * update as Statuspage-shaped JSON, signed in `X-Herald-Signature` (api/notify/hooks.ts).
 * https only, and the target is checked again at every delivery (api/notify/ssrf.ts).
 */
export function webhookRoutes(deps: AppDeps, options: { allowLocal: boolean }) {
  return new Hono<HeraldEnv>()
    .get('/webhooks', async (c) => {
      const { rows } = await deps.db.execute('SELECT id, url, created_at FROM webhooks WHERE removed_at IS NULL ORDER BY id');
      return c.json({ webhooks: rows.map((r) => ({ id: Number(r.id), url: String(r.url), createdAt: String(r.created_at) })) });
    })
    .post('/webhooks', validate('json', CreateWebhookInput.refine((i) => options.allowLocal || i.url.startsWith('https:'), { path: ['url'], message: 'must be an https URL' })), async (c) => {
      const input = c.req.valid('json');
      const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
      const { rows } = await deps.db.execute({
        sql: 'INSERT INTO webhooks (url, secret, created_at) VALUES (?, ?, ?) RETURNING id',
        args: [input.url, secret, deps.clock.now().toISOString()],
      });
      return c.json({ id: Number(rows[0]?.id), url: input.url, secret }, 201);
    })
    .delete('/webhooks/:id', async (c) => {
      const { rowsAffected } = await deps.db.execute({
        sql: 'UPDATE webhooks SET removed_at = ? WHERE id = ? AND removed_at IS NULL',
        args: [deps.clock.now().toISOString(), Number(c.req.param('id')) || 0],
      });
      if (rowsAffected === 0) throw new NotFoundError(`[Webhooks] No webhook "${c.req.param('id')}". GET /api/admin/webhooks lists them.`);
      return c.body(null, 204);
    });
}
