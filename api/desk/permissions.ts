import { Hono, type MiddlewareHandler } from 'hono';
import { can, type Permission } from '../shared/roles.ts';
import { ForbiddenError } from '../shared/errors.ts';
import type { HeraldEnv } from '../deps.ts';

const WHAT: Record<Permission, string> = {
  read: 'read the desk',
  post: 'post what readers see',
  manage: 'manage users and tokens',
  link: 'link tickets',
  intake: 'post alerts',
};

/** Refuses (403) a signed-in user whose role lacks `permission`. The gate has already required a session. */
const requires =
  (permission: Permission): MiddlewareHandler<HeraldEnv> =>
  async (c, next) => {
    const role = c.get('role');
    if (!role || !can(role, permission)) throw new ForbiddenError(`[Desk] Your role (${role ?? 'none'}) cannot ${WHAT[permission]}; ask an admin.`);
    await next();
  };

/**
 * The desk routes that need `permission`, as one group: `requires(permission)` is put in front
 * of each of the group's own routes (same method, same path), so a route added to the group
 * is checked without its handler doing anything, and nothing mounted beside the group is.
 * (A sub-app's `use('*')` would not do: mounted at '/', it runs for every path of the parent.)
 */
export function permissionGroup(permission: Permission, ...routes: Hono<HeraldEnv>[]): Hono<HeraldEnv> {
  const group = new Hono<HeraldEnv>();
  for (const r of routes) group.route('/', r);
  const guarded = new Hono<HeraldEnv>();
  const check = requires(permission);
  for (const { method, path } of group.routes) guarded.on(method, path, check);
  return guarded.route('/', group);
}
