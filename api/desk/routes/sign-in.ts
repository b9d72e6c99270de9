import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { admitSignIn, retryMinutes, signInSucceeded, waitForTurn } from '../../features/access/index.ts';
import { deviceCookieName, DEVICE_TTL_MS, issueDeviceCookie, knownDevice } from '../../features/access/index.ts';
import { decoyHash, verifyPassword } from '../../features/access/index.ts';
import { createSession, endSession, pruneSessions, SESSION_TTL_MS } from '../../features/access/index.ts';
import { findUserForSignIn } from '../../features/access/index.ts';
import { clientAddress } from '../../platform/http/client-address.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { safeNext, sessionCookieName } from '../../features/access/index.ts';
import { flashFor, formBody, renderDesk } from '../render.ts';

/** The same words whether the account is unknown or the password wrong: nothing to enumerate. */
const WRONG = 'Email or password is incorrect.';

/**
 * GET/POST /admin/sign-in, POST /admin/sign-out. Each attempt is counted before its password
 * is checked (api/features/access/throttle.ts: per account and address, per address, and a slowdown per
 * account, the email as typed, known or not; a browser that signed in to the account before,
 * by its device cookie, on a budget of its own); a session lives in an HttpOnly,
 * SameSite=Strict cookie (Secure, `__Host-` behind https), and so does the device cookie.
 */
export const deskSignInRoutes = (deps: AppDeps) => {
  const cookie = sessionCookieName(deps.config.publicUrl);
  const deviceCookie = deviceCookieName(deps.config.publicUrl);
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
      const device = await knownDevice(deps.db, getCookie(c, deviceCookie), email, now);
      const who = { account: email, address: clientAddress(c, deps.config.trustProxy), device };
      const view = { page: 'sign-in' as const, email, next, flash: null };
      const admission = await admitSignIn(deps.db, who, now);
      if (!admission.admitted) {
        return renderDesk(c, deps, { ...view, error: `Too many failed sign-ins. Try again in ${retryMinutes(admission.retryAt, now)} min.` }, 429);
      }
      await waitForTurn(admission, now);
      const user = email ? await findUserForSignIn(deps.db, email) : null;
      const password = body.password ?? '';
      // An unknown account costs the same scrypt as a wrong password.
      const ok = user ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await decoyHash()), false);
      // A failure stays counted: admitSignIn wrote it down before the check.
      if (!user || !ok) return renderDesk(c, deps, { ...view, error: WRONG }, 401);
      await signInSucceeded(deps.db, who);
      await pruneSessions(deps.db, now);
      const session = await createSession(deps.db, user.id, now);
      setCookie(c, cookie, session.token, { httpOnly: true, sameSite: 'Strict', secure, path: '/', maxAge: SESSION_TTL_MS / 1000 });
      // A new device id at each sign-in: this browser is known to this account from now on.
      setCookie(c, deviceCookie, await issueDeviceCookie(deps.db, email, now), {
        httpOnly: true,
        sameSite: 'Strict',
        secure,
        path: '/',
        maxAge: DEVICE_TTL_MS / 1000,
      });
      return c.redirect(next, 303);
    })
    .post('/admin/sign-out', async (c) => {
      const token = getCookie(c, cookie);
      if (token) await endSession(deps.db, token);
      deleteCookie(c, cookie, { path: '/', secure });
      return c.redirect('/admin/sign-in?done=signed-out', 303);
    });
};
