/**
 * Who may use which desk route, checked for every route the app has: a new write route is
 * covered by this test the day it is added, whether or not its handler remembers to check.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { makeIncident } from '../support/factories.ts';
import { makeDesk, type Desk } from '../support/desk.ts';

/** Writes every signed-in user may make, about their own session or password. */
const OWN_WRITES = ['/admin/sign-in', '/admin/sign-out', '/admin/account'];
/** Internal writes support staff may make (permission `link`; tests/desk/tickets.test.ts). */
const SUPPORT_WRITES = ['/admin/incidents/INC-1/tickets'];
const ADMIN_ONLY_PAGES = ['/admin/tokens', '/admin/users'];
const READ_PAGES = [
  '/admin',
  '/admin/audit',
  '/admin/audit?ref=INC-1',
  '/admin/services',
  '/admin/incidents/INC-1',
  '/admin/incidents/INC-1/resolve',
  '/admin/account',
];

let d: Desk;
beforeEach(async () => {
  d = await makeDesk({ start: '2026-03-10T12:00:00.000Z' });
  await d.addUser('support@example.test', 'support');
  await d.addUser('comms@example.test', 'comms');
  expect((await d.call('POST', '/api/admin/incidents', makeIncident())).status).toBe(201);
});

/** Every POST route under /admin the app has, with its parameters filled in. */
const deskWrites = () =>
  [...new Set(d.app.routes.filter((r) => r.method === 'POST' && /^\/admin(\/|$)/.test(r.path)).map((r) => r.path))].map((path) =>
    path.replace(':ref', 'INC-1').replace(':slug', 'api').replace(':id', '1'),
  );

const writesMade = async () => Number((await d.db.execute('SELECT count(*) AS n FROM audit_log')).rows[0]?.n);

describe('a support user', () => {
  it('is refused (403) on every desk write route but their own session and password, and linking tickets', async () => {
    expect(deskWrites()).toEqual(expect.arrayContaining(SUPPORT_WRITES));
    const writes = deskWrites().filter((path) => !OWN_WRITES.includes(path) && !SUPPORT_WRITES.includes(path));
    // Not vacuous: the list holds writes of every kind.
    expect(writes).toEqual(
      expect.arrayContaining([
        '/admin/incidents/new',
        '/admin/incidents/INC-1/updates',
        '/admin/services/api',
        '/admin/preview',
        '/admin/users/1/disable',
        '/admin/tokens',
      ]),
    );
    const { cookie, csrf } = await d.signIn('support@example.test');
    const before = await writesMade();
    for (const path of writes) {
      const res = await d.post(
        path,
        {
          _csrf: csrf,
          title: 'T',
          severity: 'P1',
          status: 'major_outage',
          message: 'M',
          intent: 'post',
          name: 'n',
          role: 'admin',
          email: 'x@example.test',
          password: 'p'.repeat(20),
        },
        { cookie },
      );
      expect(res.status, path).toBe(403);
    }
    expect(await writesMade()).toBe(before);
  });

  it('reads every desk page, but not the pages that publish', async () => {
    const { cookie } = await d.signIn('support@example.test');
    for (const path of READ_PAGES) expect((await d.get(path, cookie)).status, path).toBe(200);
    for (const path of ['/admin/incidents/new', '/admin/incidents/INC-1/updates/1/edit']) expect((await d.get(path, cookie)).status, path).toBe(403);
  });

  it('still changes their own password and signs out', async () => {
    const { cookie, csrf } = await d.signIn('support@example.test');
    const changed = await d.post(
      '/admin/account',
      { _csrf: csrf, current: 'a long enough password', password: 'another long passphrase', confirm: 'another long passphrase' },
      { cookie },
    );
    expect(changed.status).toBe(303);
    const again = await d.signIn('support@example.test', 'another long passphrase');
    expect((await d.post('/admin/sign-out', { _csrf: again.csrf }, { cookie: again.cookie })).status).toBe(303);
  });
});

describe('a comms user', () => {
  it('is refused (403) on the admin-only pages and their writes', async () => {
    const { cookie, csrf } = await d.signIn('comms@example.test');
    for (const path of ADMIN_ONLY_PAGES) expect((await d.get(path, cookie)).status, path).toBe(403);
    for (const path of deskWrites().filter((p) => /^\/admin\/(tokens|users)(\/|$)/.test(p))) {
      expect((await d.post(path, { _csrf: csrf, name: 'n', role: 'admin', email: 'x@example.test', password: 'p'.repeat(20) }, { cookie })).status, path).toBe(
        403,
      );
    }
  });

  it('publishes: the pages that publish open for them', async () => {
    const { cookie } = await d.signIn('comms@example.test');
    for (const path of ['/admin/incidents/new', '/admin/incidents/INC-1/updates/1/edit', ...READ_PAGES])
      expect((await d.get(path, cookie)).status, path).toBe(200);
  });
});
