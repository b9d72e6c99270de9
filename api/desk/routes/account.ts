import { Hono, type Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { verifyPassword } from '../../auth/passwords.ts';
import { NewPasswordInput } from '../../auth/inputs.ts';
import { findUserForSignIn } from '../../auth/users.ts';
import { changePassword } from '../../commands/access.ts';
import type { AppDeps, HeraldEnv } from '../../http/env.ts';
import { sessionCookieName } from '../guard.ts';
import { actingUser } from './shared.ts';
import { common, formBody, renderDesk } from '../render.ts';
import { attempt, parseForm } from '../validate.ts';
import type { FieldErrors } from '../views.ts';

/**
 * GET/POST /admin/account — change one's own password. Every session of the user ends,
 * this one included: a stolen cookie dies with the old password.
 */
export const deskAccountRoutes = (deps: AppDeps) => {
  const show = (c: Context<HeraldEnv>, errors: FieldErrors) =>
    renderDesk(c, deps, { ...common(c, deps), page: 'account', errors }, Object.keys(errors).length ? 400 : 200);
  return new Hono<HeraldEnv>()
    .get('/admin/account', (c) => show(c, {}))
    .post('/admin/account', async (c) => {
      const session = c.get('session');
      const body = await formBody(c);
      const user = session ? await findUserForSignIn(deps.db, session.email) : null;
      if (!user || !(await verifyPassword(body.current ?? '', user.passwordHash))) return show(c, { current: 'That is not your current password.' });
      const checked = parseForm(NewPasswordInput, { password: body.password ?? '', confirm: body.confirm ?? '' });
      if (!checked.ok) return show(c, checked.errors);
      const changed = await attempt(() => changePassword(actingUser(c, deps), user.id, checked.input.password));
      if (!changed.ok) return show(c, changed.errors);
      deleteCookie(c, sessionCookieName(deps.config.publicUrl), { path: '/', secure: deps.config.publicUrl.startsWith('https:') });
      return c.redirect('/admin/sign-in?done=password', 303);
    });
};
