import { Hono, type Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { verifyPassword } from '../../auth/passwords.ts';
import { findUserForSignIn, setPassword } from '../../auth/users.ts';
import { recordAudit } from '../../db/audit.ts';
import { ValidationError } from '../../errors.ts';
import type { AppDeps, HeraldEnv } from '../../http/env.ts';
import { sessionCookieName } from '../guard.ts';
import { common, formBody, renderDesk } from '../render.ts';
import type { FieldErrors } from '../views.ts';

/**
 * GET/POST /admin/account — change one's own password. Every session of the user ends,
 * this one included: a stolen cookie dies with the old password.
 */
export const accountRoutes = (deps: AppDeps) => {
  const show = (c: Context<HeraldEnv>, errors: FieldErrors) =>
    renderDesk(c, deps, { ...common(c, deps), page: 'account', errors }, Object.keys(errors).length ? 400 : 200);
  return new Hono<HeraldEnv>()
    .get('/admin/account', (c) => show(c, {}))
    .post('/admin/account', async (c) => {
      const session = c.get('session');
      const body = await formBody(c);
      const user = session ? await findUserForSignIn(deps.db, session.email) : null;
      if (!user || !(await verifyPassword(body.current ?? '', user.passwordHash))) return show(c, { current: 'That is not your current password.' });
      if ((body.password ?? '') !== (body.confirm ?? '')) return show(c, { confirm: 'The two new passwords differ.' });
      const now = deps.clock.now();
      try {
        await setPassword(deps.db, user.id, body.password ?? '', now);
      } catch (error) {
        if (error instanceof ValidationError) return show(c, { password: error.fields?.[0]?.message ?? error.message });
        throw error;
      }
      // audit.ts's entity list predates users; the column is plain text.
      await recordAudit(deps.db, { actor: `user:${user.email}`, action: 'user.password', entity: 'user', ref: user.email }, now);
      deleteCookie(c, sessionCookieName(deps.config.publicUrl), { path: '/', secure: deps.config.publicUrl.startsWith('https:') });
      return c.redirect('/admin/sign-in?done=password', 303);
    });
};
