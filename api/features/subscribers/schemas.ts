/**
 * The shapes of subscriptions, shared by the routes, the pages and the tests. No server imports.
 */
import { z } from 'zod';
import { Slug } from '../../shared/schemas.ts';
import { STORABLE_ERROR, storable } from '../../shared/storable.ts';

/** `paused`: a chat or webhook target that failed for a day; nothing is posted to it until its contact resumes it. */
export const SUBSCRIBER_STATES = ['pending', 'confirmed', 'unsubscribed', 'suppressed', 'paused'] as const;
export const SubscriberState = z.enum(SUBSCRIBER_STATES);
export type SubscriberState = z.infer<typeof SubscriberState>;

/**
 * Where a subscriber's notices go: a mailbox, or a target URL in one of four formats — Herald's
 * signed Statuspage-shaped JSON (`webhook`), a Slack incoming webhook (Block Kit), a Microsoft
 * Teams / Power Automate workflow (an Adaptive Card) or a Discord webhook (an embed).
 */
export const SUBSCRIPTION_CHANNELS = ['email', 'webhook', 'slack', 'teams', 'discord'] as const;
export const SubscriptionChannel = z.enum(SUBSCRIPTION_CHANNELS);
export type SubscriptionChannel = z.infer<typeof SubscriptionChannel>;
/** The channels that post to a URL. */
export type TargetChannel = Exclude<SubscriptionChannel, 'email'>;

/** Which notices a subscriber hears: incidents, planned maintenance, or both (`all`, the default). */
export const SUBSCRIPTION_EVENTS = ['all', 'incidents', 'maintenance'] as const;
export const SubscriptionEvents = z.enum(SUBSCRIPTION_EVENTS);
export type SubscriptionEvents = z.infer<typeof SubscriptionEvents>;

export const Email = z
  .string()
  .trim()
  .max(254, 'at most 254 characters')
  .pipe(z.email({ error: 'must be an email address, e.g. name@example.com' }))
  .transform((e) => e.toLowerCase());

/** A form field that may come once (a string) or repeated (an array). */
const Many = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v.filter((x) => x !== '') : [v]), z.array(item).max(200));

/** An empty form field is no value. */
const Optional = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === '' ? undefined : v), item.optional());

/** A checkbox: ticked ("on", "true", "1") or not (absent). */
const Checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());

/**
 * POST /subscribe: the `channel` (email by default), the `email` address (for the other
 * channels, the contact who confirms), the target `url` of a chat or webhook channel, the
 * webhook's own signing `secret` (Herald makes one otherwise), repeated `services` (none = all
 * services), the `events` to hear about, `majorOnly` (email: only P0/P1 incidents), and the
 * honeypot `website`.
 */
export const SubscribeInput = z
  .object({
    channel: z.preprocess((v) => (v === '' || v === undefined ? 'email' : v), SubscriptionChannel),
    email: Email,
    url: Optional(
      z
        .url({ protocol: /^https?$/, error: 'must be the https URL your Slack, Teams or Discord webhook (or your own endpoint) gave you' })
        .max(2000)
        .refine(storable, STORABLE_ERROR),
    ),
    secret: Optional(z.string().min(16, 'use at least 16 characters').max(200)),
    services: Many(Slug),
    events: z.preprocess((v) => (v === '' || v === undefined ? 'all' : v), SubscriptionEvents),
    majorOnly: Checkbox,
    /** Hidden from people; a bot that fills it in is answered as usual and nothing happens. */
    website: z.string().max(2000).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.channel !== 'email' && !input.url)
      ctx.addIssue({ code: 'custom', path: ['url'], message: `a ${input.channel} subscription needs its webhook URL` });
  });
export type SubscribeInput = z.infer<typeof SubscribeInput>;

/** POST /subscribe/manage/:token: the services and events to follow (none = all), or leave, rejoin or resume a paused target. */
export const ManageInput = z.object({
  action: z.enum(['save', 'unsubscribe', 'resubscribe', 'resume']).default('save'),
  services: Many(Slug),
  events: Optional(SubscriptionEvents),
  majorOnly: Checkbox,
});
export type ManageInput = z.infer<typeof ManageInput>;

export const SubscriberListQuery = z.object({
  q: z.string().trim().max(254).optional(),
  state: SubscriberState.optional(),
  channel: SubscriptionChannel.optional(),
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
    channel: SubscriptionChannel,
    /** The address; for a chat or webhook channel, its contact. */
    email: z.string(),
    /** Where a chat or webhook channel posts, as its origin only (the path of a Slack or Teams URL is its secret); null for email. */
    targetOrigin: z.string().nullable(),
    state: SubscriberState,
    services: z.array(z.string()).nullable(),
    events: SubscriptionEvents,
    majorOnly: z.boolean(),
    /** The first failed post since the last one that got through (chat and webhook channels). */
    failingSince: z.string().nullable(),
    pausedAt: z.string().nullable(),
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

export const ChannelCounts = z
  .record(SubscriptionChannel, SubscriberCounts)
  .meta({ id: 'ChannelCounts', description: 'How many subscribers each channel has, by state' });

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
  channel?: SubscriptionChannel;
  /** A chat or webhook channel's target, as its origin. */
  targetOrigin?: string | null;
  events?: SubscriptionEvents;
  majorOnly?: boolean;
  /** The webhook channel's signing secret, shown once: on the page that confirms it. */
  hookSecret?: string | null;
};
