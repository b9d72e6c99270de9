/**
 * The shapes of subscriptions, shared by the routes, the pages and the tests. No server imports.
 */
import { z } from 'zod';
import { Slug } from '../../shared/schemas.ts';

export const SUBSCRIBER_STATES = ['pending', 'confirmed', 'unsubscribed', 'suppressed'] as const;
export const SubscriberState = z.enum(SUBSCRIBER_STATES);
export type SubscriberState = z.infer<typeof SubscriberState>;

export const Email = z
  .string()
  .trim()
  .max(254, 'at most 254 characters')
  .pipe(z.email({ error: 'must be an email address, e.g. name@example.com' }))
  .transform((e) => e.toLowerCase());

/** A form field that may come once (a string) or repeated (an array). */
const Many = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v.filter((x) => x !== '') : [v]), z.array(item).max(200));

/** POST /subscribe: `email`, repeated `services` (none = all services), and the honeypot `website`. */
export const SubscribeInput = z.object({
  email: Email,
  services: Many(Slug),
  /** Hidden from people; a bot that fills it in is answered as usual and nothing happens. */
  website: z.string().max(2000).optional(),
});
export type SubscribeInput = z.infer<typeof SubscribeInput>;

/** POST /subscribe/manage/:token: the services to follow (none = all), or leave/rejoin. */
export const ManageInput = z.object({
  action: z.enum(['save', 'unsubscribe', 'resubscribe']).default('save'),
  services: Many(Slug),
});
export type ManageInput = z.infer<typeof ManageInput>;

export const SubscriberListQuery = z.object({
  q: z.string().trim().max(254).optional(),
  state: SubscriberState.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** POST /api/admin/subscribers/import: CSV with an `email` column and optional `services` (space-separated slugs). */
export const ImportInput = z
  .object({
    csv: z.string().min(1, 'paste the CSV, e.g. "email,services\\nann@example.com,api billing"'),
    /** True only when the admin states that these people consented: they are confirmed without a mail. */
    consent: z.boolean().default(false),
  })
  .strict()
  .meta({ id: 'ImportInput' });
export type ImportInput = z.infer<typeof ImportInput>;

export const Subscriber = z
  .object({
    id: z.number(),
    email: z.string(),
    state: SubscriberState,
    services: z.array(z.string()).nullable(),
    source: z.enum(['form', 'import']),
    createdAt: z.string(),
    confirmedAt: z.string().nullable(),
    unsubscribedAt: z.string().nullable(),
    suppressedReason: z.string().nullable(),
  })
  .meta({ id: 'Subscriber' });
export type Subscriber = z.infer<typeof Subscriber>;

export const SubscriberCounts = z
  .record(SubscriberState, z.number().int())
  .meta({ id: 'SubscriberCounts', description: 'How many subscribers are in each state' });

/** What an import added and skipped (api/features/subscribers/import.ts). */
export const ImportReport = z
  .object({ added: z.number().int(), confirmed: z.number().int(), pending: z.number().int(), skipped: z.number().int() })
  .meta({ id: 'ImportReport' });

/** An incident update's notices by delivery state (api/platform/delivery/outbox.ts). */
export const UpdateDeliveryCounts = z
  .object({
    updateId: z.number().int(),
    queued: z.number().int(),
    sent: z.number().int(),
    retrying: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
  })
  .meta({ id: 'UpdateDeliveryCounts' });

/** What a subscription page shows (Astro.locals.subscription). */
export type SubscriptionView = {
  page: 'sent' | 'confirm' | 'confirmed' | 'manage' | 'unsubscribe' | 'unsubscribed' | 'invalid' | 'saved' | 'unavailable';
  token?: string;
  email?: string;
  state?: SubscriberState;
  /** Followed service slugs; null = all services. */
  services?: string[] | null;
};
