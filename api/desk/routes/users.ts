import { Hono, type Context } from 'hono';
import { Role } from '../../auth/roles.ts';
import { listUsers } from '../../auth/users.ts';
import { addUser, removeUser } from '../../commands/access.ts';
import { ForbiddenError } from '../../errors.ts';
import type { AppDeps, HeraldEnv } from '../../http/env.ts';
import { common, formBody, needs, renderDesk } from '../render.ts';
import type { FieldErrors } from '../views.ts';
import { actingUser, formErrors } from './shared.ts';

/**
 * GET /admin/users — desk users (admin only). POST — adds one. POST /admin/users/:id/disable —
 * ends their sessions and sign-ins; their audit trail stays.
 */
export const deskUserRoutes = (deps: AppDeps) => {
  const show = async (c: Context<HeraldEnv>, errors: FieldErrors, values: Record<string, string> = {}) =>
    renderDesk(c, deps, { ...common(c, deps), page: 'users', users: await listUsers(deps.db), errors, values }, Object.keys(errors).length ? 400 : 200);
  return new Hono<HeraldEnv>()
    .get('/admin/users', (c) => (needs(c, 'manage'), show(c, {})))
    .post('/admin/users', async (c) => {
      needs(c, 'manage');
      const body = await formBody(c);
      const role = Role.safeParse(body.role);
      if (!role.success) return show(c, { role: 'Choose a role.' }, body);
      try {
        await addUser(actingUser(c, deps), { email: body.email ?? '', name: body.name?.trim() || null, role: role.data, password: body.password ?? '' });
      } catch (error) {
        const errors = formErrors(error);
        if (!errors) throw error;
        return show(c, errors, body);
      }
      return c.redirect('/admin/users?done=user', 303);
    })
    .post('/admin/users/:id/disable', async (c) => {
      needs(c, 'manage');
      const id = Number(c.req.param('id'));
      if (id === c.get('session')?.userId) throw new ForbiddenError('[Users] You cannot disable yourself; ask another admin.');
      await removeUser(actingUser(c, deps), id);
      return c.redirect('/admin/users?done=user-disabled', 303);
    });
};
