import { join } from 'node:path';
import { createUser } from '../../api/features/access/users.ts';
import type { UserRole as Role } from '../../api/shared/roles.ts';
import { loadAstroRenderer } from '../../api/site/astro-renderer.ts';
import { jsonCaller, makeTestApp, PUBLIC_URL } from './app.ts';
import { ROOT } from './server.ts';

export const PASSWORD = 'a long enough password';
export const COOKIE = '__Host-herald_session';

/**
 * The app as production builds it, with the built Astro bundle rendering the desk pages, and
 * helpers that speak to it as a browser would: form posts from our origin, a session cookie.
 */
export async function makeDesk(options: { start?: string; contentDir?: string } = {}) {
  const renderPage = await loadAstroRenderer(join(ROOT, 'dist'), PUBLIC_URL);
  const t = await makeTestApp({
    renderPage,
    ...(options.start ? { start: options.start } : {}),
    ...(options.contentDir ? { env: { CONTENT_DIR: options.contentDir } } : {}),
  });
  const { app } = t;

  /** A JSON request to the admin API, as the admin unless `token` says otherwise. */
  const call = jsonCaller(app);

  const addUser = (email: string, role: Role, name: string | null = null) => createUser(t.db, { email, role, password: PASSWORD, name }, t.clock.now());

  /** A form post as a page of ours would send it. */
  const post = (
    path: string,
    fields: Record<string, string>,
    opts: { cookie?: string; origin?: string | null; contentType?: string; headers?: Record<string, string> } = {},
  ) => {
    const body = new URLSearchParams(fields).toString();
    const headers: Record<string, string> = {
      'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      ...opts.headers,
    };
    if (opts.origin !== null) headers.origin = opts.origin ?? PUBLIC_URL;
    if (opts.cookie) headers.cookie = opts.cookie;
    return app.request(path, { method: 'POST', headers, body });
  };

  const get = (path: string, cookie?: string) => app.request(path, { headers: cookie ? { cookie } : {} });

  /** Signs in and returns the cookie header and the CSRF token the pages carry. */
  const signIn = async (email: string, password = PASSWORD) => {
    const res = await post('/admin/sign-in', { email, password, next: '/admin' });
    if (res.status !== 303) throw new Error(`sign-in answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const setCookie = res.headers.get('set-cookie') ?? '';
    const cookie = setCookie.split(';')[0] as string;
    const page = await (await get('/admin', cookie)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    if (!csrf) throw new Error('no CSRF token on the dashboard');
    return { cookie, csrf, setCookie };
  };

  return { ...t, app, call, addUser, post, get, signIn };
}

export type Desk = Awaited<ReturnType<typeof makeDesk>>;

/** The text of an HTML page without tags, whitespace collapsed: what a reader sees. */
export const textOf = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
