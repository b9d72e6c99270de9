/**
 * Webhook signatures: PagerDuty signs each v3 webhook's raw body with HMAC-SHA256 under the
 * subscription's secret and sends `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]` — more than
 * one while a secret is rotated; any one matching is enough (PagerDuty's "Verifying
 * Signatures"). Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { NotConfiguredError, UnauthorizedError } from '../../shared/errors.ts';
import type { HeraldEnv } from '../../deps.ts';

/** `v1=` followed by the hex HMAC-SHA256 of `body` under `secret`: what PagerDuty would send. */
export const pagerDutySignature = (body: Uint8Array | string, secret: string): string => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * Whether `header` carries a v1 signature of `body` under `secret`.
 * @example verifyPagerDutySignature('{}', `x,${pagerDutySignature('{}', 's')}`, 's') // true
 */
export function verifyPagerDutySignature(body: Uint8Array | string, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(pagerDutySignature(body, secret));
  let matched = false;
  for (const candidate of header.split(',')) {
    const given = Buffer.from(candidate.trim());
    // Every candidate is compared (no early exit), each in constant time.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}

/**
 * Refuses a PagerDuty webhook unless its signature verifies: 503 when no secret is configured
 * (never accept unsigned), 401 for a missing or wrong one. Reads the raw body first, so the
 * JSON validator after it parses the very bytes that were verified.
 */
export const requirePagerDutySignature =
  (secret: string | undefined): MiddlewareHandler<HeraldEnv> =>
  async (c, next) => {
    if (!secret) {
      throw new NotConfiguredError(
        '[Intake] PagerDuty webhooks are refused: set PAGERDUTY_WEBHOOK_SECRET to the secret of the webhook subscription and restart.',
      );
    }
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (!verifyPagerDutySignature(body, c.req.header('x-pagerduty-signature'), secret)) {
      throw new UnauthorizedError(
        '[Intake] The X-PagerDuty-Signature header does not sign this body with PAGERDUTY_WEBHOOK_SECRET; check the subscription secret.',
      );
    }
    return next();
  };
