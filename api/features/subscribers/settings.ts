/** How the public subscription routes behave; built once by the composition root. */
export type SubscriptionSettings = {
  /** Signs subscribers' links (HERALD_SECRET, or one Herald generated and kept in the database). */
  secret: string;
  /** Sign-ups allowed per client address per window. */
  throttle: { limit: number; windowMs: number };
  /** Sign-ups allowed from all addresses together per window (SIGNUP_BUDGET unless a test lifts it with the throttle). */
  budget?: { limit: number; windowMs: number };
  /** WEBHOOK_ALLOW_LOCAL: webhooks may target http and local addresses (development only). */
  webhookAllowLocal: boolean;
};

/**
 * Sign-ups taken per second from all addresses together. Each one is a write and a rendered
 * page; a flood from many addresses, each within its own share, would otherwise queue
 * hundreds of writes ahead of the comms lead's next update. Past it: 503 and Retry-After.
 */
export const SIGNUP_BUDGET = { limit: 20, windowMs: 1_000 } as const;

/** 10 sign-ups per address per 10 minutes. */
export const DEFAULT_SIGNUP_THROTTLE = { limit: 10, windowMs: 10 * 60_000 } as const;
