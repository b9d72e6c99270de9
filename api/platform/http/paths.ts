/**
 * How Herald reads a request path before any routing: whether it decodes at all, the spelling a
 * router might come to see, and which part of Herald (the admin API, the desk) it is for. The
 * guards, the body limits and the desk's gate all decide by these, so no spelling slips past one.
 */
import type { MiddlewareHandler } from 'hono';
import { ValidationError } from '../../shared/errors.ts';
import type { HeraldEnv } from './env.ts';

/**
 * Whether a raw request path percent-decodes. One that does not (`%ZZ`, a lone `%`, a cut
 * UTF-8 sequence) means something different to each layer that reads it: the guards here
 * saw `/api/adm%69n/…` while the router decoded what it could and ran an admin handler.
 */
function decodes(rawPath: string): boolean {
  try {
    decodeURIComponent(rawPath);
    return true;
  } catch {
    return false;
  }
}

/** Decodes every well-formed escape and leaves the rest, as routers do (Hono's tryDecodeURI). */
const decodeWhatDecodes = (path: string): string =>
  path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });

/**
 * The path as a router might come to see it: percent-decoded (repeatedly, so a proxy that
 * decodes once more is accounted for), slashes collapsed, lowercased. Used to decide whether
 * a request is an admin request before any routing, so `//api/admin`, `/api/%61dmin`,
 * `/API/Admin/` and friends are all guarded.
 *
 * @example canonicalPath('/API/%2561dmin//x') // '/api/admin/x'
 */
export function canonicalPath(rawPath: string): string {
  let path = rawPath;
  for (let i = 0; i < 3; i++) {
    const decoded = decodeWhatDecodes(path);
    if (decoded === path) break;
    path = decoded;
  }
  return path
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/')
    .toLowerCase();
}

/** Refuses, before any routing, a path that does not percent-decode (see `decodes`). */
export function requireDecodablePath(): MiddlewareHandler<HeraldEnv> {
  return async (c, next) => {
    if (!decodes(new URL(c.req.url).pathname)) {
      throw new ValidationError(
        '[HTTP] The path has a broken percent-escape (a "%" without two hex digits after it, or escapes that are not UTF-8); send "%" itself as "%25".',
      );
    }
    return next();
  };
}

export const isAdminPath = (rawPath: string): boolean => {
  const path = canonicalPath(rawPath);
  return path === '/api/admin' || path.startsWith('/api/admin/');
};

/** Whether a path is the desk's (/admin, any spelling). */
export const isDeskPath = (rawPath: string): boolean => {
  const path = canonicalPath(rawPath);
  return path === '/admin' || path.startsWith('/admin/');
};
