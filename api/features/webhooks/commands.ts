/** Webhook subscribers, added and removed with their audit entry in one transaction. */
import { randomBytes } from 'node:crypto';
import { recordAudit } from '../audit/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { insertWebhook, removeWebhook } from './store.ts';
import type { CommandContext } from '../../platform/commands.ts';

/** Registers a webhook; its signing secret is the one given or a new one, shown once. */
export async function addWebhook(
  ctx: CommandContext,
  input: { url: string; secret?: string | undefined },
): Promise<{ id: number; url: string; secret: string }> {
  const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
  const now = ctx.clock.now();
  const id = await ctx.db.write(async (tx) => {
    const created = await insertWebhook(tx, input.url, secret, now);
    await recordAudit(tx, { actor: ctx.actor, action: 'webhook.create', entity: 'webhook', ref: String(created), after: { url: input.url } }, now);
    return created;
  });
  return { id, url: input.url, secret };
}

export async function deleteWebhook(ctx: CommandContext, id: number): Promise<void> {
  const now = ctx.clock.now();
  const removed = await ctx.db.write(async (tx) => {
    const done = await removeWebhook(tx, id, now);
    if (done) await recordAudit(tx, { actor: ctx.actor, action: 'webhook.delete', entity: 'webhook', ref: String(id) }, now);
    return done;
  });
  if (!removed) throw new NotFoundError(`[Webhooks] No webhook "${id}". GET /api/admin/webhooks lists them.`);
}
