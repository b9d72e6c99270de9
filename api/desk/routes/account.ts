import { Hono, type Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { admitSignIn, retryMinutes, signInSucceeded, waitForTurn } from '../../features/access/index.ts';
import { verifyPassword } from '../../features/access/index.ts';
import { NewPasswordInput } from '../../features/access/index.ts';
import { findUserForSignIn } from '../../features/access/index.ts';
import { changePassword } from '../../features/access/index.ts';
import { clientAddress } from '../../platform/http/client-address.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { sessionCookieName } from '../../features/access/index.ts';
import { actingUser } from './shared.ts';
import { common, formBody, renderDesk } from '../render.ts';
import { attempt, parseForm } from '../validate.ts';
import type { FieldErrors } from '../views.ts';

/**
 * GET/POST /admin/account — change one's own password. Every session of the user ends,
 * this one included: a stolen cookie dies with the old password.
 */
export const deskAccountRoutes = (deps: AppDeps) => {
  const show = (c: Context<HeraldEnv>, errors: FieldErrors, status?: 429) =>
    renderDesk(c, deps, { ...common(c, deps), page: 'account', errors }, status ?? (Object.keys(errors).length ? 400 : 200));
  return new Hono<HeraldEnv>()
    .get('/admin/account', (c) => show(c, {}))
    .post('/admin/account', async (c) => {
      const session = c.get('session');
      const body = await formBody(c);
      const user = session ? await findUserForSignIn(deps.db, session.email) : null;
      const now = deps.clock.now();
      // The current password is a password guess like any sign-in (a borrowed session must not
      // make guessing cheaper), so it is counted and throttled the same way.
      const who = { account: session?.email ?? '', address: clientAddress(c, deps.config.trustProxy) };
      const admission = await admitSignIn(deps.db, who, now);
      if (!admission.admitted) return show(c, { current: `Too many wrong passwords. Try again in ${retryMinutes(admission.retryAt, now)} min.` }, 429);
      await waitForTurn(admission, now);
      if (!user || !(await verifyPassword(body.current ?? '', user.passwordHash))) return show(c, { current: 'That is not your current password.' });
      await signInSucceeded(deps.db, who);
      const checked = parseForm(NewPasswordInput, { password: body.password ?? '', confirm: body.confirm ?? '' });
      if (!checked.ok) return show(c, checked.errors);
      const changed = await attempt(() => changePassword(actingUser(c, deps), user.id, checked.input.password));
      if (!changed.ok) return show(c, changed.errors);
      deleteCookie(c, sessionCookieName(deps.config.publicUrl), { path: '/', secure: deps.config.publicUrl.startsWith('https:') });
      return c.redirect('/admin/sign-in?done=password', 303);
    });
};
