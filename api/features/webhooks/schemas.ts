/**
 * The shapes of webhook subscribers, shared by the admin API, its OpenAPI document and the tests. No server imports.
 */
import { z } from 'zod';
import { STORABLE_ERROR, storable } from '../../shared/storable.ts';

/** POST /api/admin/webhooks: where to send Statuspage-shaped events, and the signing secret. */
export const CreateWebhookInput = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an https URL' })
      .max(2000)
      .refine(storable, STORABLE_ERROR),
    /** The signing secret; Herald makes one (shown once) when absent. */
    secret: z.string().min(16, 'use at least 16 characters').max(200).optional(),
  })
  .strict()
  .meta({ id: 'CreateWebhookInput' });

/** A webhook subscriber as listed; its secret is never shown again. */
export const WebhookTarget = z.object({ id: z.number().int(), url: z.string(), createdAt: z.string() }).meta({ id: 'WebhookTarget' });

/** A webhook just added, with its signing secret: the only time it is shown. */
export const NewWebhook = z.object({ id: z.number().int(), url: z.string(), secret: z.string() }).meta({ id: 'NewWebhook' });
