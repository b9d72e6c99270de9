/** How the public subscription routes behave; built once by the composition root. */
export type SubscriptionSettings = {
  /** Signs subscribers' links (HERALD_SECRET, or one Herald generated and kept in the database). */
  secret: string;
  /** Sign-ups allowed per client address per window. */
  throttle: { limit: number; windowMs: number };
  /** WEBHOOK_ALLOW_LOCAL: webhooks may target http and local addresses (development only). */
  webhookAllowLocal: boolean;
};

/** 10 sign-ups per address per 10 minutes. */
export const DEFAULT_SIGNUP_THROTTLE = { limit: 10, windowMs: 10 * 60_000 } as const;
