import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { clearAccountFailures, recordSignInFailure, signInLockedUntil } from '../../auth/attempts.ts';
import { decoyHash, verifyPassword } from '../../auth/passwords.ts';
import { createSession, endSession, pruneSessions, SESSION_TTL_MS } from '../../auth/sessions.ts';
import { findUserForSignIn } from '../../auth/users.ts';
import type { AppDeps, HeraldEnv } from '../../http/env.ts';
import { safeNext, sessionCookieName } from '../guard.ts';
import { flashFor, formBody, renderDesk } from '../render.ts';

/** The same words whether the account is unknown or the password wrong: nothing to enumerate. */
const WRONG = 'Email or password is incorrect.';

const clientAddress = (c: Context): string => {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
};

/**
 * GET/POST /admin/sign-in, POST /admin/sign-out. Sign-in is throttled per account (the email
 * as typed, known or not) and per client address; a session lives in an HttpOnly,
 * SameSite=Strict cookie (Secure, `__Host-` behind https).
 */
export const deskSignInRoutes = (deps: AppDeps) => {
  const cookie = sessionCookieName(deps.config.publicUrl);
  const secure = deps.config.publicUrl.startsWith('https:');
  return new Hono<HeraldEnv>()
    .get('/admin/sign-in', async (c) => {
      if (c.get('session')) return c.redirect(safeNext(c.req.query('next')), 303);
      return renderDesk(c, deps, { page: 'sign-in', email: '', next: safeNext(c.req.query('next')), error: null, flash: flashFor(c.req.query('done')) });
    })
    .post('/admin/sign-in', async (c) => {
      const body = await formBody(c);
      const email = (body.email ?? '').trim().toLowerCase().slice(0, 254);
      const next = safeNext(body.next);
      const now = deps.clock.now();
      const ip = clientAddress(c);
      const view = { page: 'sign-in' as const, email, next, flash: null };
      const locked = await signInLockedUntil(deps.db, email, ip, now);
      if (locked) {
        const minutes = Math.max(1, Math.ceil((locked.getTime() - now.getTime()) / 60_000));
        return renderDesk(c, deps, { ...view, error: `Too many failed sign-ins. Try again in ${minutes} min.` }, 429);
      }
      const user = email ? await findUserForSignIn(deps.db, email) : null;
      const password = body.password ?? '';
      // An unknown account costs the same scrypt as a wrong password.
      const ok = user ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await decoyHash()), false);
      if (!user || !ok) {
        await recordSignInFailure(deps.db, email, ip, now);
        return renderDesk(c, deps, { ...view, error: WRONG }, 401);
      }
      await clearAccountFailures(deps.db, email);
      await pruneSessions(deps.db, now);
      const session = await createSession(deps.db, user.id, now);
      setCookie(c, cookie, session.token, { httpOnly: true, sameSite: 'Strict', secure, path: '/', maxAge: SESSION_TTL_MS / 1000 });
      return c.redirect(next, 303);
    })
    .post('/admin/sign-out', async (c) => {
      const token = getCookie(c, cookie);
      if (token) await endSession(deps.db, token);
      deleteCookie(c, cookie, { path: '/', secure });
      return c.redirect('/admin/sign-in?done=signed-out', 303);
    });
};
