/**
 * A desk error as a desk page: a person at a browser who posts a form or opens a page under
 * /admin gets the desk's frame, what happened and a way back — not the API's JSON. Scripts
 * (no text/html, no form) and everything under /api keep the JSON of `handleError`.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody, ErrorPage } from '../platform/http/errors.ts';
import type { AppDeps, HeraldEnv } from '../deps.ts';
import { safeNext } from '../features/access/index.ts';
import { isDeskPath } from '../platform/http/paths.ts';
import { common, renderDesk } from './render.ts';
import type { ErrorView } from './views.ts';

const TITLE: Record<number, string> = {
  400: 'The request could not be used',
  401: 'Your session has ended',
  403: 'Not allowed',
  404: 'Not found',
  409: 'That clashes with what is there now',
  413: 'The form is too large',
  415: 'The form could not be read',
  429: 'Too many requests',
};

/** A browser: it asks for HTML, or it posts a form without asking for JSON. */
function wantsDeskPage(c: Context): boolean {
  if (!isDeskPath(new URL(c.req.url).pathname)) return false;
  const accept = c.req.header('accept') ?? '';
  if (accept.includes('text/html')) return true;
  if (accept.includes('application/json')) return false;
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
}

/** The desk page the request came from (same origin only), if it is not the one that failed. */
function cameFrom(c: Context, publicUrl: string): string | null {
  try {
    const referer = new URL(c.req.header('referer') ?? '');
    const here = new URL(c.req.url);
    if (referer.origin !== new URL(publicUrl).origin && referer.origin !== here.origin) return null;
    const path = safeNext(referer.pathname + referer.search);
    return path === '/admin' || (c.req.method === 'GET' && referer.pathname === here.pathname) ? null : path;
  } catch {
    return null;
  }
}

/** Where the page points: sign-in when the session has ended, else back where they came from, else the dashboard. */
function backLink(c: Context, status: number, publicUrl: string): ErrorView['back'] {
  const from = cameFrom(c, publicUrl);
  if (status === 401) return { href: from ? `/admin/sign-in?next=${encodeURIComponent(from)}` : '/admin/sign-in', label: 'Sign in again' };
  return from ? { href: from, label: 'Back to the page you came from' } : { href: '/admin', label: 'Back to the dashboard' };
}

/** For `handleError`: the desk's error page for a browser's desk request, null for anything else. */
export function deskErrorPage(deps: AppDeps): ErrorPage {
  return async (c: Context<HeraldEnv>, status: number, error: ErrorBody['error']) => {
    if (!deps.renderPage || !wantsDeskPage(c)) return null;
    const view: ErrorView = {
      page: 'error',
      status,
      title: TITLE[status] ?? (status >= 500 ? 'Something went wrong on our side' : 'The request could not be completed'),
      // The subsystem prefix ("[Desk] ") is for logs and scripts; the page says where it is.
      message: error.message.replace(/^\[[\w ]+\] /, ''),
      back: backLink(c, status, deps.config.publicUrl),
      requestId: error.requestId,
      frame: c.get('session') ? common(c, deps) : null,
    };
    try {
      return await renderDesk(c, deps, view, status as ContentfulStatusCode);
    } catch (failure) {
      deps.log.error(
        `[Desk] The error page for ${c.req.method} ${c.req.path} could not be rendered (request ${error.requestId}); answered JSON instead:`,
        failure,
      );
      return null;
    }
  };
}
