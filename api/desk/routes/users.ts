import { Hono, type Context } from 'hono';
import { NewUserInput } from '../../features/access/index.ts';
import { listUsers } from '../../features/access/index.ts';
import { addUser, removeUser } from '../../features/access/index.ts';
import { ForbiddenError } from '../../shared/errors.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { common, formBody, renderDesk } from '../render.ts';
import { attempt, parseForm } from '../validate.ts';
import type { FieldErrors } from '../views.ts';
import { actingUser, rowId } from './shared.ts';

/**
 * GET /admin/users — desk users. POST — adds one. POST /admin/users/:id/disable — ends their
 * sessions and sign-ins; their audit trail stays.
 */
export const deskUserRoutes = (deps: AppDeps) => {
  const show = async (c: Context<HeraldEnv>, errors: FieldErrors, values: Record<string, string> = {}) =>
    renderDesk(c, deps, { ...common(c, deps), page: 'users', users: await listUsers(deps.db), errors, values }, Object.keys(errors).length ? 400 : 200);
  return new Hono<HeraldEnv>()
    .get('/admin/users', (c) => show(c, {}))
    .post('/admin/users', async (c) => {
      const body = await formBody(c);
      // Kept on an error, but never the password.
      const typed = { email: body.email ?? '', name: body.name ?? '', role: body.role ?? '' };
      const checked = parseForm(NewUserInput, { ...typed, password: body.password ?? '' }, { role: 'Choose a role.' });
      if (!checked.ok) return show(c, checked.errors, typed);
      const added = await attempt(() => addUser(actingUser(c, deps), checked.input));
      if (!added.ok) return show(c, added.errors, typed);
      return c.redirect('/admin/users?done=user', 303);
    })
    .post('/admin/users/:id/disable', async (c) => {
      const id = rowId(c.req.param('id'), '[Users] There is no user');
      if (id === c.get('session')?.userId) throw new ForbiddenError('[Users] You cannot disable yourself; ask another admin.');
      await removeUser(actingUser(c, deps), id);
      return c.redirect('/admin/users?done=user-disabled', 303);
    });
};
