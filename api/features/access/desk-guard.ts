/**
 * The desk's front gate, run before any routing for every spelling of /admin: a cross-origin
 * write is refused (403) whatever its content type, a request without a live session is sent
 * to sign-in (GET) or refused (401), and every write carries the session's CSRF token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { findSession } from './sessions.ts';
import type { Db } from '../../platform/db/client.ts';
import type { Clock } from '../../platform/clock.ts';
import { ForbiddenError, PayloadTooLargeError, UnauthorizedError } from '../../shared/errors.ts';
import { canonicalPath, isDeskPath } from '../../platform/http/paths.ts';
import type { HeraldEnv } from '../../deps.ts';

const MAX_FORM_BYTES = 256 * 1024;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Reachable without a session (still origin-checked for writes). */
const OPEN_PATHS = new Set(['/admin/sign-in']);

/** `__Host-` behind https: the browser then insists on Secure, Path=/ and no Domain. */
export const sessionCookieName = (publicUrl: string): string => (publicUrl.startsWith('https:') ? '__Host-herald_session' : 'herald_session');

/**
 * Whether a write comes from a page of ours: its Origin (or, failing that, Referer) must be
 * the public URL's origin or the origin the request was addressed to. No header at all is
 * refused too: every browser sends Origin on a form POST.
 */
function sameOrigin(c: Context, publicUrl: string): boolean {
  const origin = c.req.header('origin') ?? refererOrigin(c.req.header('referer'));
  if (!origin || origin === 'null') return false;
  return origin === new URL(publicUrl).origin || origin === new URL(c.req.url).origin;
}

function refererOrigin(referer: string | undefined): string | undefined {
  try {
    return referer ? new URL(referer).origin : undefined;
  } catch {
    return undefined;
  }
}

/** A sign-in `next` that can only lead back into the desk, never to another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/admin(?:[/?#]|$)/.test(next) && !/[\\\s]/.test(next) ? next : '/admin';
}

export function requireDesk(deps: { db: Db; clock: Clock; config: { publicUrl: string } }): MiddlewareHandler<HeraldEnv> {
  const cookieName = sessionCookieName(deps.config.publicUrl);
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (!isDeskPath(url.pathname)) return next();
    const unsafe = !SAFE_METHODS.has(c.req.method.toUpperCase());
    if (unsafe) {
      if (!sameOrigin(c, deps.config.publicUrl)) {
        throw new ForbiddenError('[Desk] This form was posted from another site (Origin does not match); nothing was done.');
      }
      const length = Number(c.req.header('content-length') ?? NaN);
      if (!(length <= MAX_FORM_BYTES)) throw new PayloadTooLargeError(`[Desk] Send a form of at most ${MAX_FORM_BYTES / 1024} KiB, with its Content-Length.`);
    }
    const token = getCookie(c, cookieName);
    const session = token ? await findSession(deps.db, token, deps.clock.now()) : null;
    if (session) {
      c.set('session', session);
      c.set('actor', { kind: 'user', email: session.email });
      c.set('role', session.role);
    }
    if (OPEN_PATHS.has(canonicalPath(url.pathname))) return next();
    if (!session) {
      if (!unsafe) return c.redirect(`/admin/sign-in?next=${encodeURIComponent(safeNext(url.pathname + url.search))}`, 303);
      throw new UnauthorizedError('[Desk] Your session has ended; sign in again at /admin/sign-in.');
    }
    if (unsafe) {
      const sent = c.req.header('x-csrf-token') ?? (await formField(c, '_csrf'));
      if (!sent || !safeEqual(sent, session.csrfToken)) {
        throw new ForbiddenError('[Desk] The form is out of date (its CSRF token is missing or wrong); reload the page and try again.');
      }
    }
    return next();
  };
}

async function formField(c: Context, name: string): Promise<string | undefined> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  const body = await c.req.parseBody();
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
