import { beforeEach, describe, expect, it } from 'vitest';
import { createToken, revokeToken } from '../../api/features/access/tokens.ts';
import { ADMIN_TOKEN } from '../support/app.ts';
import { makeIncident } from '../support/factories.ts';
import { COOKIE, makeDesk, PASSWORD, type Desk } from '../support/desk.ts';

let d: Desk;
beforeEach(async () => {
  d = await makeDesk();
  await d.addUser('comms@example.test', 'comms');
  await d.addUser('admin@example.test', 'admin');
  await d.addUser('support@example.test', 'support');
});

const count = async (table: string) => Number((await d.db.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);
const deskPages = [
  '/admin',
  '/admin/',
  '/admin/incidents/new',
  '/admin/incidents/INC-1',
  '/admin/incidents/INC-1/resolve',
  '/admin/incidents/INC-1/updates/1/edit',
  '/admin/audit',
  '/admin/services',
  '/admin/account',
  '/admin/tokens',
  '/admin/users',
];
const variants = ['//admin', '/ADMIN', '/Admin/Services', '/%61dmin', '/%2561dmin/audit', '/admin//audit', '/admin%2Faudit', '/admin/nothing-here'];

describe('every desk page needs a session, whatever the spelling', () => {
  it.each([...deskPages, ...variants])('GET %s → redirect to sign-in', async (path) => {
    const res = await d.get(path);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/admin\/sign-in\?next=/);
  });

  it.each([
    '/admin/incidents/new',
    '/admin/incidents/INC-1/updates',
    '/admin/incidents/INC-1/reopen',
    '/admin/services/api',
    '/admin/tokens',
    '/admin/users',
    '/admin/users/1/disable',
    '/admin/account',
    '/admin/preview',
    '//admin/incidents/new',
    '/ADMIN/services/api',
  ])('POST %s from our own origin without a session → 401', async (path) => {
    const res = await d.post(path, { title: 'x', message: 'y' });
    expect(res.status).toBe(401);
  });

  it('refuses an unknown or forged session cookie', async () => {
    const res = await d.get('/admin', `${COOKIE}=not-a-real-session`);
    expect(res.status).toBe(303);
  });

  it('a desk session does not open the admin API, which takes bearer tokens only', async () => {
    const { cookie } = await d.signIn('admin@example.test');
    const res = await d.app.request('/api/admin/incidents', { headers: { cookie } });
    expect(res.status).toBe(401);
  });
});

describe('cross-site form posts', () => {
  it.each([
    ['another origin', { origin: 'https://evil.example' }],
    ['no Origin header at all', { origin: null }],
    ['Origin: null (sandboxed frame)', { origin: 'null' }],
    ['text/plain from another origin', { origin: 'https://evil.example', contentType: 'text/plain' }],
    ['mixed-case form type from another origin', { origin: 'https://evil.example', contentType: 'Application/X-WWW-Form-Urlencoded' }],
    ['mixed-case multipart from another origin', { origin: 'https://evil.example', contentType: 'Multipart/Form-Data; boundary=x' }],
    ['a look-alike origin', { origin: 'https://status.example.test.evil.example' }],
  ])('are refused with 403 even with a valid session and token: %s', async (_name, opts) => {
    const { cookie, csrf } = await d.signIn('comms@example.test');
    const fields = { _csrf: csrf, title: 'Forged', severity: 'P1', message: 'Forged incident', intent: 'post' };
    const res = await d.post('/admin/incidents/new', fields, { cookie, ...opts });
    expect(res.status).toBe(403);
    expect(await count('incidents')).toBe(0);
  });

  it('refuses a cross-origin sign-in post (login CSRF)', async () => {
    const res = await d.post('/admin/sign-in', { email: 'comms@example.test', password: PASSWORD }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it.each([
    ['missing', {}],
    ['wrong', { _csrf: 'x'.repeat(43) }],
  ])('refuses a same-origin post whose CSRF token is %s', async (_name, token) => {
    const { cookie } = await d.signIn('comms@example.test');
    const res = await d.post('/admin/incidents/new', { ...token, title: 'No token', severity: 'P1', message: 'x', intent: 'post' }, { cookie });
    expect(res.status).toBe(403);
    expect(await count('incidents')).toBe(0);
  });

  it('accepts the same post from our origin with the session token', async () => {
    const { cookie, csrf } = await d.signIn('comms@example.test');
    const res = await d.post('/admin/services/api', { _csrf: csrf, status: 'degraded_performance' }, { cookie });
    expect(res.status).toBe(303);
  });
});

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict, Secure, host-only session cookie behind https', async () => {
    const { setCookie } = await d.signIn('comms@example.test');
    expect(setCookie).toMatch(/^__Host-herald_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Domain=/i);
  });

  it('stores only a hash of the session token', async () => {
    const { cookie } = await d.signIn('comms@example.test');
    const token = cookie.split('=')[1] as string;
    const { rows } = await d.db.execute('SELECT token_hash FROM sessions');
    expect(rows.map((r) => String(r.token_hash))).not.toContain(token);
  });

  it('answers an unknown account and a wrong password the same way', async () => {
    const unknown = await d.post('/admin/sign-in', { email: 'nobody@example.test', password: PASSWORD });
    const wrong = await d.post('/admin/sign-in', { email: 'comms@example.test', password: 'not the password at all' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const message = (html: string) => /<p class="error"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];
    expect(message(await unknown.text())).toBe('Email or password is incorrect.');
    expect(message(await wrong.text())).toBe('Email or password is incorrect.');
  });

  it('throttles an account after 5 wrong passwords, even against the right one, until the window passes', async () => {
    for (let i = 0; i < 5; i++) expect((await d.post('/admin/sign-in', { email: 'comms@example.test', password: `wrong-${i}-wrong-wrong` })).status).toBe(401);
    const locked = await d.post('/admin/sign-in', { email: 'comms@example.test', password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain('Too many failed sign-ins. Try again in 15 min.');
    // Unknown accounts are throttled alike, so the lock says nothing about existence.
    for (let i = 0; i < 5; i++) await d.post('/admin/sign-in', { email: 'ghost@example.test', password: `wrong-${i}-wrong-wrong` });
    expect((await d.post('/admin/sign-in', { email: 'ghost@example.test', password: PASSWORD })).status).toBe(429);
    d.clock.advance(15 * 60_000 + 1000);
    expect((await d.post('/admin/sign-in', { email: 'comms@example.test', password: PASSWORD })).status).toBe(303);
  });

  it('throttles one address after 20 failures across many accounts', async () => {
    for (let i = 0; i < 20; i++) await d.post('/admin/sign-in', { email: `user${i}@example.test`, password: 'wrong wrong wrong' });
    expect((await d.post('/admin/sign-in', { email: 'admin@example.test', password: PASSWORD })).status).toBe(429);
  });

  it('only sends the user back into the desk after sign-in', async () => {
    for (const next of ['https://evil.example/', '//evil.example/admin', '/\\evil.example', '/public-page']) {
      const res = await d.post('/admin/sign-in', { email: 'comms@example.test', password: PASSWORD, next });
      expect(res.headers.get('location'), next).toBe('/admin');
    }
    const res = await d.post('/admin/sign-in', { email: 'comms@example.test', password: PASSWORD, next: '/admin/audit?ref=INC-1' });
    expect(res.headers.get('location')).toBe('/admin/audit?ref=INC-1');
  });
});

describe('sessions end', () => {
  it('on sign-out', async () => {
    const { cookie, csrf } = await d.signIn('comms@example.test');
    expect((await d.post('/admin/sign-out', { _csrf: csrf }, { cookie })).status).toBe(303);
    expect((await d.get('/admin', cookie)).status).toBe(303);
  });

  it('everywhere when the password changes, and the old password stops working', async () => {
    const laptop = await d.signIn('comms@example.test');
    const phone = await d.signIn('comms@example.test');
    const res = await d.post(
      '/admin/account',
      { _csrf: phone.csrf, current: PASSWORD, password: 'a brand new passphrase', confirm: 'a brand new passphrase' },
      { cookie: phone.cookie },
    );
    expect(res.status).toBe(303);
    expect((await d.get('/admin', laptop.cookie)).status).toBe(303);
    expect((await d.get('/admin', phone.cookie)).status).toBe(303);
    expect((await d.post('/admin/services/api', { _csrf: laptop.csrf, status: 'major_outage' }, { cookie: laptop.cookie })).status).toBe(401);
    expect((await d.post('/admin/sign-in', { email: 'comms@example.test', password: PASSWORD })).status).toBe(401);
    expect((await d.post('/admin/sign-in', { email: 'comms@example.test', password: 'a brand new passphrase' })).status).toBe(303);
  });

  it('after 12 hours', async () => {
    const { cookie } = await d.signIn('comms@example.test');
    d.clock.advance(12 * 3600_000);
    expect((await d.get('/admin', cookie)).status).toBe(303);
  });
});

describe('roles', () => {
  it('support reads the desk but cannot publish', async () => {
    const { cookie, csrf } = await d.signIn('support@example.test');
    expect((await d.get('/admin', cookie)).status).toBe(200);
    expect((await d.get('/admin/audit', cookie)).status).toBe(200);
    expect((await d.post('/admin/incidents/new', { _csrf: csrf, title: 't', severity: 'P1', message: 'm', intent: 'post' }, { cookie })).status).toBe(403);
    expect((await d.post('/admin/services/api', { _csrf: csrf, status: 'major_outage' }, { cookie })).status).toBe(403);
    expect(await count('incidents')).toBe(0);
  });

  it('only admins manage tokens', async () => {
    const comms = await d.signIn('comms@example.test');
    expect((await d.get('/admin/tokens', comms.cookie)).status).toBe(403);
    expect((await d.post('/admin/tokens', { _csrf: comms.csrf, name: 'x', role: 'admin' }, { cookie: comms.cookie })).status).toBe(403);
  });

  it('a token carries its role: a support token reads the API but cannot write', async () => {
    const { token } = await createToken(d.db, 'helpdesk', d.clock.now(), 'support');
    expect((await d.call('GET', '/api/admin/incidents', undefined, token)).status).toBe(200);
    expect((await d.call('POST', '/api/admin/incidents', makeIncident(), token)).status).toBe(403);
    const comms = await createToken(d.db, 'statusbot', d.clock.now(), 'comms');
    expect((await d.call('POST', '/api/admin/incidents', makeIncident(), comms.token)).status).toBe(201);
    expect((await d.call('GET', '/api/admin/incidents', undefined, ADMIN_TOKEN)).status).toBe(200);
  });
});

describe('users from the desk', () => {
  it('an admin adds a user who can then sign in, and disabling them ends their sessions', async () => {
    const admin = await d.signIn('admin@example.test');
    const comms = await d.signIn('comms@example.test');
    expect((await d.get('/admin/users', comms.cookie)).status).toBe(403);
    expect(
      (await d.post('/admin/users', { _csrf: comms.csrf, email: 'x@example.test', role: 'admin', password: PASSWORD }, { cookie: comms.cookie })).status,
    ).toBe(403);

    const added = await d.post(
      '/admin/users',
      { _csrf: admin.csrf, email: 'New@Example.test', name: 'Nia New', role: 'comms', password: PASSWORD },
      { cookie: admin.cookie },
    );
    expect(added.status).toBe(303);
    const newcomer = await d.signIn('new@example.test');
    const dup = await d.post('/admin/users', { _csrf: admin.csrf, email: 'new@example.test', role: 'comms', password: PASSWORD }, { cookie: admin.cookie });
    expect(dup.status).toBe(400);
    expect(await dup.text()).toContain('new@example.test exists already');

    const { rows } = await d.db.execute("SELECT id FROM users WHERE email = 'new@example.test'");
    expect((await d.post(`/admin/users/${rows[0]?.id}/disable`, { _csrf: admin.csrf }, { cookie: admin.cookie })).status).toBe(303);
    expect((await d.get('/admin', newcomer.cookie)).status).toBe(303);
    expect((await d.post('/admin/sign-in', { email: 'new@example.test', password: PASSWORD })).status).toBe(401);
  });
});

describe('API tokens from the desk', () => {
  it('shows a new token once; revoking it takes effect on the next request', async () => {
    const { cookie, csrf } = await d.signIn('admin@example.test');
    const created = await d.post('/admin/tokens', { _csrf: csrf, name: 'deploy-bot', role: 'comms' }, { cookie });
    expect(created.status).toBe(200);
    const token = /hrld_[A-Za-z0-9_-]{43}/.exec(await created.text())?.[0] as string;
    expect(token).toBeDefined();
    expect(await (await d.get('/admin/tokens', cookie)).text()).not.toContain(token);
    expect((await d.call('POST', '/api/admin/incidents', makeIncident(), token)).status).toBe(201);
    const { rows } = await d.db.execute("SELECT id FROM api_tokens WHERE name = 'deploy-bot'");
    expect((await d.post(`/admin/tokens/${rows[0]?.id}/revoke`, { _csrf: csrf }, { cookie })).status).toBe(303);
    expect((await d.call('GET', '/api/admin/incidents', undefined, token)).status).toBe(401);
  });

  it('a token revoked from the command line stops working on its next request', async () => {
    const { id, token } = await createToken(d.db, 'cli', d.clock.now(), 'admin');
    expect((await d.call('GET', '/api/admin/incidents', undefined, token)).status).toBe(200);
    await revokeToken(d.db, id, d.clock.now());
    expect((await d.call('GET', '/api/admin/incidents', undefined, token)).status).toBe(401);
  });
});
