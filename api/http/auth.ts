import type { MiddlewareHandler } from 'hono';
import { can } from '../auth/roles.ts';
import { authenticateBearer } from '../auth/tokens.ts';
import type { Db } from '../db/client.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import type { HeraldEnv } from './env.ts';

/**
 * The path as a router might come to see it: percent-decoded (repeatedly), slashes collapsed,
 * lowercased. Used to decide whether a request is an admin request before any routing, so
 * `//api/admin`, `/api/%61dmin`, `/API/Admin/` and friends are all guarded.
 */
export function canonicalPath(rawPath: string): string {
  let path = rawPath;
  for (let i = 0; i < 3; i++) {
    try {
      const decoded = decodeURIComponent(path);
      if (decoded === path) break;
      path = decoded;
    } catch {
      break;
    }
  }
  return path.replace(/\\/g, '/').replace(/\/{2,}/g, '/').toLowerCase();
}

export const isAdminPath = (rawPath: string): boolean => {
  const path = canonicalPath(rawPath);
  return path === '/api/admin' || path.startsWith('/api/admin/');
};

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every admin request carries `Authorization: Bearer <token>`, whatever its path spelling or
 * method; a token's role decides whether it may write (support tokens read only).
 */
export function requireAdmin(deps: { db: Db; adminToken: string | undefined }): MiddlewareHandler<HeraldEnv> {
  return async (c, next) => {
    if (!isAdminPath(new URL(c.req.url).pathname)) return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const who = match?.[1] ? await authenticateBearer(deps.db, match[1], deps.adminToken) : null;
    if (!who) {
      throw new UnauthorizedError('[Auth] Send an admin token as "Authorization: Bearer <token>"; `npm run token -- create NAME` makes one.');
    }
    if (!READ_METHODS.has(c.req.method.toUpperCase()) && !can(who.role, 'publish')) {
      throw new ForbiddenError(`[Auth] This token's role (${who.role}) reads but cannot publish; use a comms or admin token.`);
    }
    c.set('actor', who.actor);
    c.set('role', who.role);
    return next();
  };
}
