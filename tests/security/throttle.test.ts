import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../../api/features/access/users.ts';
import { ACCOUNT_SLOWDOWN, ADDRESS_THROTTLE, judgeSignIn, PAIR_THROTTLE, slowdownTurn } from '../../api/features/access/throttle.ts';
import { loadAstroRenderer } from '../../api/site/astro-renderer.ts';
import type { PageRenderer } from '../../api/site/publisher.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../support/app.ts';
import { ROOT } from '../support/server.ts';
import { PASSWORD } from '../support/desk.ts';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const times = (n: number, at: (i: number) => Date = () => ago(60_000)) => Array.from({ length: n }, (_, i) => at(i));
const MIN = 60_000;

describe('the sign-in rule', () => {
  it.each([
    ['4 attempts from the pair', { pair: times(4), address: times(4), account: times(4) }, true],
    ['5 attempts from the pair', { pair: times(5), address: times(5), account: times(5) }, false],
    ['5 from the pair, the oldest 15:00 ago', { pair: [ago(15 * MIN), ...times(4)], address: [], account: [] }, true],
    ['5 from the pair, the oldest 14:59 ago', { pair: [ago(15 * MIN - 1000), ...times(4)], address: [], account: [] }, false],
    ['19 from the address', { pair: [], address: times(19), account: [] }, true],
    ['20 from the address', { pair: [], address: times(20), account: [] }, false],
    ['100 on the account from elsewhere, spread out', { pair: [], address: [], account: times(100, (i) => ago(14 * MIN - i * 1000)) }, true],
  ] as const)('%s: admitted %s', (_name, history, admitted) => {
    expect(judgeSignIn(history, NOW).admitted).toBe(admitted);
  });

  it('tells a refused attempt when the oldest counted one leaves the window', () => {
    const verdict = judgeSignIn({ pair: [ago(10 * MIN), ...times(4)], address: [], account: [] }, NOW);
    expect(verdict).toEqual({ admitted: false, retryAt: new Date(NOW.getTime() + 5 * MIN) });
  });

  it.each([
    [9, NOW],
    [10, new Date(NOW.getTime() + 1000)],
    [11, new Date(NOW.getTime() + 2000)],
    [13, new Date(NOW.getTime() + 8000)],
    [20, new Date(NOW.getTime() + 30_000)],
  ])('slows an account with %i recent attempts: its next turn is %s', (n, turn) => {
    expect(
      slowdownTurn(
        times(n, () => NOW),
        NOW,
        ACCOUNT_SLOWDOWN,
      ),
    ).toEqual(turn);
  });

  it('queues a slowed account behind its latest turn, and refuses only past a minute of queue', () => {
    const queued = [...times(10, () => ago(MIN)), new Date(NOW.getTime() + 50_000)];
    expect(judgeSignIn({ pair: [], address: [], account: queued }, NOW)).toEqual({ admitted: true, checkAt: new Date(NOW.getTime() + 52_000) });
    const longer = [...queued, new Date(NOW.getTime() + 59_000)];
    expect(judgeSignIn({ pair: [], address: [], account: longer }, NOW).admitted).toBe(false);
  });

  it('keeps the per-account budget much looser than the strict ones', () => {
    expect(ACCOUNT_SLOWDOWN.after).toBeGreaterThan(PAIR_THROTTLE.limit);
    expect(ADDRESS_THROTTLE.limit).toBeGreaterThan(PAIR_THROTTLE.limit);
  });
});

let renderPage: PageRenderer;
beforeAll(async () => {
  renderPage = await loadAstroRenderer(join(ROOT, 'dist'), PUBLIC_URL);
});

/** The desk behind one trusted proxy (TRUST_PROXY=1): the client address comes from X-Forwarded-For. */
let proxied: TestApp;
beforeEach(async () => {
  proxied = await makeTestApp({ renderPage, env: { TRUST_PROXY: '1' } });
  await createUser(proxied.db, { email: 'owner@example.test', role: 'admin', password: PASSWORD, name: null }, proxied.clock.now());
});

/** A form post from our own origin, by a client the proxy saw at `forwardedFor`'s last entry. */
const postFrom = (app: TestApp['app'], forwardedFor: string, path: string, fields: Record<string, string>, cookie?: string) => {
  const body = new URLSearchParams(fields).toString();
  return app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      origin: PUBLIC_URL,
      'x-forwarded-for': forwardedFor,
      ...(cookie ? { cookie } : {}),
    },
    body,
  });
};

const signInFrom = (app: TestApp['app'], forwardedFor: string, password: string, email = 'owner@example.test') =>
  postFrom(app, forwardedFor, '/admin/sign-in', { email, password, next: '/admin' });

describe('signing in behind a trusted proxy', () => {
  it('locks a guesser out of the account at their address only; the owner signs in from another at once', async () => {
    for (let i = 0; i < 5; i++) expect((await signInFrom(proxied.app, '203.0.113.9', `wrong password ${i}`)).status).toBe(401);
    expect((await signInFrom(proxied.app, '203.0.113.9', PASSWORD)).status).toBe(429);
    const started = Date.now();
    expect((await signInFrom(proxied.app, '198.51.100.7', PASSWORD)).status).toBe(303);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('keys on the address the proxy saw, not on what the client wrote further left', async () => {
    for (let i = 0; i < 5; i++) expect((await signInFrom(proxied.app, `10.0.0.${i}, 203.0.113.9`, `wrong password ${i}`)).status).toBe(401);
    expect((await signInFrom(proxied.app, '10.0.0.99, 203.0.113.9', PASSWORD)).status).toBe(429);
  });

  it('slows an account guessed at from many addresses rather than locking it', async () => {
    for (let i = 0; i < 10; i++) expect((await signInFrom(proxied.app, `203.0.113.${i + 1}`, `wrong password ${i}`)).status).toBe(401);
    const started = Date.now();
    const owner = await signInFrom(proxied.app, '198.51.100.7', PASSWORD);
    const waited = Date.now() - started;
    expect(owner.status).toBe(303);
    expect(waited).toBeGreaterThanOrEqual(900);
  });

  it('without a trusted proxy, X-Forwarded-For is ignored: a changed header does not buy more guesses', async () => {
    const direct = await makeTestApp({ renderPage });
    await createUser(direct.db, { email: 'owner@example.test', role: 'admin', password: PASSWORD, name: null }, direct.clock.now());
    for (let i = 0; i < 5; i++) expect((await signInFrom(direct.app, `203.0.113.${i + 1}`, `wrong password ${i}`)).status).toBe(401);
    expect((await signInFrom(direct.app, '198.51.100.7', PASSWORD)).status).toBe(429);
  });
});

/** The `name=value` of the cookie `name` among a response's Set-Cookie headers. */
const cookieFrom = (response: Response, name: string) =>
  response.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0];
const DEVICE_COOKIE = '__Host-herald_device';
const MIN_MS = 60_000;

describe('a browser that signed in before (its device cookie)', () => {
  /**
   * 21 wrong passwords for the owner's account from 7 addresses, 3 each (under the per-address
   * limits), 31 s apart so none of them waits, the last one just now: the account's next turn
   * is 30 s away.
   */
  async function guessFromSevenAddresses(app: TestApp) {
    for (let i = 0; i < 21; i++) {
      if (i > 0) app.clock.set(new Date(app.clock.now().getTime() + 31_000));
      expect((await signInFrom(app.app, `203.0.113.${(i % 7) + 1}`, `wrong password ${i}`)).status).toBe(401);
    }
  }

  it('signs the owner in at once, from their own address, after 21 guesses from 7 addresses', async () => {
    const first = await signInFrom(proxied.app, '198.51.100.7', PASSWORD);
    expect(first.status).toBe(303);
    const device = cookieFrom(first, DEVICE_COOKIE);
    expect(device).toBeDefined();
    await guessFromSevenAddresses(proxied);

    const started = Date.now();
    const again = await postFrom(proxied.app, '198.51.100.7', '/admin/sign-in', { email: 'owner@example.test', password: PASSWORD, next: '/admin' }, device);
    expect(again.status).toBe(303);
    // Not the account's 30 s turn: only the time a password check takes.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('buys nothing for another account, nor when forged: those attempts are throttled as any', async () => {
    await createUser(proxied.db, { email: 'other@example.test', role: 'comms', password: PASSWORD, name: null }, proxied.clock.now());
    const owners = cookieFrom(await signInFrom(proxied.app, '198.51.100.7', PASSWORD), DEVICE_COOKIE) as string;
    const forged = `${DEVICE_COOKIE}=${'A'.repeat(22)}.${'B'.repeat(43)}`;
    for (const [email, cookie] of [
      ['other@example.test', owners],
      ['owner@example.test', forged],
    ] as const) {
      const attempt = (password: string) => postFrom(proxied.app, '192.0.2.10', '/admin/sign-in', { email, password, next: '/admin' }, cookie);
      for (let i = 0; i < 5; i++) expect((await attempt(`wrong password ${i}`)).status).toBe(401);
      expect((await attempt(PASSWORD)).status, email).toBe(429);
      proxied.clock.set(new Date(proxied.clock.now().getTime() + 16 * MIN_MS));
    }
  });

  it('is trusted for 5 wrong passwords in 15 minutes, then judged as any browser', async () => {
    const device = cookieFrom(await signInFrom(proxied.app, '198.51.100.7', PASSWORD), DEVICE_COOKIE) as string;
    const attempt = (password: string) =>
      postFrom(proxied.app, '198.51.100.7', '/admin/sign-in', { email: 'owner@example.test', password, next: '/admin' }, device);
    // Its own 5, then the 5 any browser at that address gets; then it is locked out like one.
    for (let i = 0; i < 10; i++) expect((await attempt(`a stolen cookie's guess ${i}`)).status, `guess ${i}`).toBe(401);
    expect((await attempt(PASSWORD)).status).toBe(429);
  });
});

describe('IPv6 clients', () => {
  it('count as their /64: guesses from many addresses of one /64 are locked out like one address', async () => {
    for (let i = 1; i <= 5; i++) expect((await signInFrom(proxied.app, `2001:db8:1:2::${i.toString(16)}`, `wrong password ${i}`)).status).toBe(401);
    expect((await signInFrom(proxied.app, '2001:db8:1:2:ffff:ffff:ffff:fffe', PASSWORD)).status).toBe(429);
    // Another /64 is another client.
    expect((await signInFrom(proxied.app, '2001:db8:1:3::1', PASSWORD)).status).toBe(303);
  });
});

describe("the Account page's current-password check", () => {
  it('is throttled like a sign-in: after 5 wrong, even the right one is refused and nothing changes', async () => {
    const signedIn = await signInFrom(proxied.app, '198.51.100.7', PASSWORD);
    expect(signedIn.status).toBe(303);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const page = await (await proxied.app.request('/admin/account', { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const change = (current: string) =>
      postFrom(
        proxied.app,
        '198.51.100.7',
        '/admin/account',
        { _csrf: csrf, current, password: 'a brand new password', confirm: 'a brand new password' },
        cookie,
      );
    for (let i = 0; i < 5; i++) expect((await change(`not it, try ${i}`)).status).toBe(400);
    const refused = await change(PASSWORD);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('Too many wrong passwords');
    // The password did not change: the old one still signs in (from another address).
    expect((await signInFrom(proxied.app, '192.0.2.44', PASSWORD)).status).toBe(303);
  });
});
