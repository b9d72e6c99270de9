import { beforeAll, describe, expect, it } from 'vitest';
import { createToken, revokeToken } from '../../../api/features/access/tokens.ts';
import { makeIncident } from '../../support/factories.ts';
import { makeTestApp, type TestApp } from '../../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});

const spellings = [
  '/api/admin/incidents',
  '//api/admin/incidents',
  '/api//admin/incidents',
  '/api/%61dmin/incidents',
  '/api/%2561dmin/incidents',
  '/api/admin%2Fincidents',
  '/API/Admin/Incidents',
  '/api/admin/incidents/',
  '/api/admin/',
  '/api/admin',
  '/api/admin/services',
  '/api/admin/nothing-here',
];

describe('every admin route needs a token, whatever the spelling', () => {
  it.each(spellings.flatMap((path) => ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'].map((method) => [method, path])))('%s %s → 401', async (method, path) => {
    const res = await t.app.request(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify(makeIncident()),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('writes nothing for an unauthenticated post', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident(), null);
    await t.call('POST', '//api/admin/incidents', makeIncident(), null);
    expect(Number((await t.db.execute('SELECT count(*) AS n FROM incidents')).rows[0]?.n)).toBe(0);
  });

  it.each([
    ['a wrong token', 'Bearer wrong-token-wrong-token-wrong'],
    ['a token without the Bearer scheme', 'test-admin-token-0123456789abcdef'],
    ['Basic auth', 'Basic dGVzdDp0ZXN0'],
    ['an empty bearer', 'Bearer '],
  ])('refuses %s', async (_name, header) => {
    const res = await t.app.request('/api/admin/incidents', { headers: { authorization: header } });
    expect(res.status).toBe(401);
  });
});

describe('tokens', () => {
  it('accepts HERALD_ADMIN_TOKEN and a created token, and refuses it once revoked', async () => {
    expect((await t.call('GET', '/api/admin/incidents')).status).toBe(200);
    const { id, token } = await createToken(t.db, 'ci-script', t.clock.now());
    expect(token).toMatch(/^hrld_[A-Za-z0-9_-]{43}$/);
    expect((await t.call('GET', '/api/admin/incidents', undefined, token)).status).toBe(200);
    await revokeToken(t.db, id, t.clock.now());
    expect((await t.call('GET', '/api/admin/incidents', undefined, token)).status).toBe(401);
  });

  it('stores only a hash of the token', async () => {
    const { token } = await createToken(t.db, 'hash-check', t.clock.now());
    const { rows } = await t.db.execute('SELECT token_hash FROM api_tokens');
    expect(rows.map((r) => String(r.token_hash))).not.toContain(token);
  });

  it('records who made each write', async () => {
    const { token } = await createToken(t.db, 'comms-bot', t.clock.now());
    await t.call('POST', '/api/admin/incidents', makeIncident(), token);
    const { rows } = await t.db.execute("SELECT actor FROM audit_log WHERE action = 'incident.create'");
    expect(rows.map((r) => r.actor)).toContain('token:comms-bot');
  });
});

describe('public routes need no token', () => {
  it.each(['/', '/api/v2/summary.json', '/feed.xml', '/healthz', '/api/openapi.json'])('%s', async (path) => {
    const res = await t.app.request(path);
    expect(res.status, path).not.toBe(401);
  });
});
