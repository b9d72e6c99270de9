import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { PayloadTooLargeError } from '../../shared/errors.ts';
import { canonicalPath, isAdminPath, isDeskPath } from './paths.ts';
import type { HeraldEnv } from './env.ts';

/**
 * The most a request body may carry, by who sends it: the admin API's JSON (a long update,
 * a CSV import), the desk's forms (an update with its preview fields), and the public forms
 * (an address and some service slugs, or nothing at all for one-click unsubscribe). A
 * monitoring system's alert group (/api/intake/…) repeats each alert's labels and annotations.
 */
const BODY_LIMITS = { admin: 64 * 1024, desk: 256 * 1024, intake: 256 * 1024, public: 16 * 1024 } as const;

type Audience = keyof typeof BODY_LIMITS;

const isIntakePath = (path: string) => canonicalPath(path).startsWith('/api/intake/');
const audienceOf = (path: string): Audience => (isAdminPath(path) ? 'admin' : isDeskPath(path) ? 'desk' : isIntakePath(path) ? 'intake' : 'public');

const WHAT_TO_DO: Record<Audience, string> = {
  admin: 'send a shorter message, or import subscribers in several parts',
  desk: 'shorten the message',
  intake: "send fewer alerts per notification (Alertmanager's webhook_config max_alerts)",
  public: 'this form never needs that much',
};

/**
 * Caps every request body before anything parses it: a declared Content-Length over the
 * limit is refused at once, and a body without one (chunked) is counted as it streams and
 * refused as soon as it passes the limit, so no handler ever buffers more than the limit.
 */
export function limitBodies(): MiddlewareHandler<HeraldEnv> {
  const limiters = Object.fromEntries(
    (Object.keys(BODY_LIMITS) as Audience[]).map((audience) => [
      audience,
      bodyLimit({
        maxSize: BODY_LIMITS[audience],
        onError: () => {
          throw new PayloadTooLargeError(`[HTTP] The body is over ${BODY_LIMITS[audience] / 1024} KiB; ${WHAT_TO_DO[audience]}.`);
        },
      }),
    ]),
  ) as Record<Audience, MiddlewareHandler>;
  return (c, next) => limiters[audienceOf(new URL(c.req.url).pathname)](c, next);
}
