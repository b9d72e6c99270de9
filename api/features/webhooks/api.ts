import { z } from 'zod';
import { addWebhook, deleteWebhook } from './commands.ts';
import { as } from '../../platform/commands.ts';
import { readWebhooks } from './queries.ts';
import type { AppDeps } from '../../deps.ts';
import { defineRoute, documentedRoutes, errors, idParam, json, jsonBody, writeErrors } from '../../platform/http/openapi.ts';
import { CreateWebhookInput, NewWebhook, WebhookTarget } from './schemas.ts';
import { ValidationError } from '../../shared/errors.ts';
import { checkTargetAtRegistration, ForbiddenTargetError } from '../../platform/delivery/ssrf.ts';

const list = defineRoute({
  method: 'get',
  path: '/webhooks',
  summary: 'Webhook subscribers',
  responses: { 200: json('Webhooks', z.object({ webhooks: z.array(WebhookTarget) })), ...errors(401) },
});

const add = (body: typeof CreateWebhookInput) =>
  defineRoute({
    method: 'post',
    path: '/webhooks',
    summary: 'Add a webhook (https only); the signing secret is shown once',
    request: { body: jsonBody(body) },
    responses: { 201: json('Added, with its secret', NewWebhook), ...writeErrors() },
  });

const remove = defineRoute({
  method: 'delete',
  path: '/webhooks/{id}',
  summary: 'Remove a webhook',
  request: { params: idParam('id') },
  responses: { 204: { description: 'Removed' }, ...errors(401, 403, 404) },
});

/**
 * A target no delivery could reach is a 400 now, saying why, rather than a failure at every
 * delivery later: the admin's webhooks and subscribers' own targets alike.
 */
export async function checkTargetOnRegistration(url: URL, allowLocal: boolean): Promise<void> {
  try {
    await checkTargetAtRegistration(url, allowLocal);
  } catch (error) {
    if (!(error instanceof ForbiddenTargetError)) throw error;
    throw new ValidationError(error.message, [{ path: 'url', message: error.message.replace(/^\[Webhooks\] /, '') }]);
  }
}

/**
 * /api/admin/webhooks: add, list and remove webhook subscribers. Each receives every incident
 * update as Statuspage-shaped JSON, signed in `X-Herald-Signature` (api/features/webhooks/deliver.ts).
 * https to a public address only: checked, DNS included, when a webhook is added (a 400 that
 * says why), and again at every delivery (api/platform/delivery/ssrf.ts).
 */
export function webhookRoutes(deps: AppDeps) {
  const allowLocal = deps.subscriptions.webhookAllowLocal;
  // The refinement makes a new schema, which would lose the shared one's name in the document.
  const body = CreateWebhookInput.refine((i) => allowLocal || i.url.startsWith('https:'), { path: ['url'], message: 'must be an https URL' }).openapi(
    'CreateWebhookInput',
  );
  return documentedRoutes()
    .openapi(list, async (c) => c.json(await readWebhooks(deps.db), 200))
    .openapi(add(body), async (c) => {
      const input = c.req.valid('json');
      await checkTargetOnRegistration(new URL(input.url), allowLocal);
      return c.json(await addWebhook(as(deps, c.get('actor')), input), 201);
    })
    .openapi(remove, async (c) => {
      await deleteWebhook(as(deps, c.get('actor')), Number(c.req.valid('param').id) || 0);
      return c.body(null, 204);
    });
}
