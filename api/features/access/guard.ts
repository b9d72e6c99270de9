import type { MiddlewareHandler } from 'hono';
import { can, type Permission, type Role } from '../../shared/roles.ts';
import { authenticateBearer } from './tokens.ts';
import type { Db } from '../../platform/db/client.ts';
import { ForbiddenError, UnauthorizedError } from '../../shared/errors.ts';
import { canonicalPath, isAdminPath } from '../../platform/http/paths.ts';
import type { HeraldEnv } from '../../deps.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LINK_TICKET = /^\/api\/admin\/incidents\/[^/]+\/tickets\/?$/;

/**
 * The permission an admin write needs: most writes publish; linking a support ticket to an
 * incident is internal, so support tokens may do it (and no other write).
 * @example writePermission('POST', '/api/admin/incidents/INC-4/tickets') // 'link'
 */
function writePermission(method: string, rawPath: string): Permission {
  return method.toUpperCase() === 'POST' && LINK_TICKET.test(canonicalPath(rawPath)) ? 'link' : 'post';
}

/** The 403 for a token whose role may not do what it asked, saying what the role is for. */
function refusal(role: Role): ForbiddenError {
  return role === 'intake'
    ? new ForbiddenError(
        '[Auth] An intake token only posts monitoring alerts to /api/intake/…; it cannot read or write the admin API. Use a comms or admin token.',
      )
    : new ForbiddenError(`[Auth] This token's role (${role}) reads but cannot publish; use a comms or admin token.`);
}

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
    const needed = READ_METHODS.has(c.req.method.toUpperCase()) ? 'read' : writePermission(c.req.method, new URL(c.req.url).pathname);
    if (!can(who.role, needed)) throw refusal(who.role);
    c.set('actor', who.actor);
    c.set('role', who.role);
    return next();
  };
}

/**
 * The second lock, on the /api/admin route groups themselves: whatever reaches an admin
 * handler was authenticated (a role is set) and, to write, may publish (or, for a ticket link,
 * may link). The front check in
 * `requireAdmin` decides by path spelling; this one holds even if that ever misjudges one.
 */
export function requireAdminRole(): MiddlewareHandler<HeraldEnv> {
  return async (c, next) => {
    const role = c.get('role');
    if (!role) throw new UnauthorizedError('[Auth] Send an admin token as "Authorization: Bearer <token>".');
    const needed = READ_METHODS.has(c.req.method.toUpperCase()) ? 'read' : writePermission(c.req.method, new URL(c.req.url).pathname);
    if (!can(role, needed)) throw refusal(role);
    return next();
  };
}

/**
 * The alert intake's lock (Alertmanager's `http_config.authorization`): a bearer token whose
 * role may post alerts — an `intake` token (`npm run token -- create NAME --role intake`) or
 * an admin's. Sets the token's actor and role for the route.
 */
export function requireIntakeToken(deps: { db: Db; adminToken: string | undefined }): MiddlewareHandler<HeraldEnv> {
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    const who = match?.[1] ? await authenticateBearer(deps.db, match[1], deps.adminToken) : null;
    if (!who) {
      throw new UnauthorizedError('[Intake] Send an intake token as "Authorization: Bearer <token>"; `npm run token -- create NAME --role intake` makes one.');
    }
    if (!can(who.role, 'intake')) {
      throw new ForbiddenError(`[Intake] This token's role (${who.role}) cannot post alerts; use a token made with --role intake.`);
    }
    c.set('actor', who.actor);
    c.set('role', who.role);
    return next();
  };
}
