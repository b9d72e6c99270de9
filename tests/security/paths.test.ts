import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { createToken } from '../../api/features/access/tokens.ts';
import { requireAdminRole } from '../../api/features/access/guard.ts';
import type { AppDeps, HeraldEnv } from '../../api/deps.ts';
import { handleError } from '../../api/platform/http/errors.ts';
import { DEFAULT_SIGNUP_THROTTLE } from '../../api/features/subscribers/settings.ts';
import { adminServiceRoutes } from '../../api/features/services/api/index.ts';
import { LINK_SECRET, makeTestApp, type TestApp } from '../support/app.ts';
import { makeIncident } from '../support/factories.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const count = async (table: string) => Number((await t.db.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

describe('a path that does not percent-decode', () => {
  it.each([
    ['GET', '/api/adm%69n/incidents/INC-5%ZZ'],
    ['GET', '/api/admin/incidents/INC-5%ZZ'],
    ['GET', '/api/adm%69n/incidents%'],
    ['PATCH', '/api/adm%69n/services/api%ZZ'],
    ['DELETE', '/api/adm%69n/services/api%E0%A4%A'],
    ['POST', '/%61dmin/incidents/new%G1'],
    ['GET', '/incidents/INC-1%zz'],
  ])('is refused with 400 before any routing: %s %s', async (method, path) => {
    const res = await t.app.request(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify({ status: 'major_outage' }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toMatch(/percent/);
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('does not let a support token reach a write handler', async () => {
    const { token } = await createToken(t.db, 'helpdesk', t.clock.now(), 'support');
    const res = await t.app.request('/api/adm%69n/services/api%ZZ', {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'major_outage' }),
    });
    expect(res.status).toBe(400);
    const service = await t.db.execute("SELECT status FROM services WHERE slug = 'api'");
    expect(service.rows[0]?.status).toBe('operational');
  });

  it('still serves paths with well-formed escapes', async () => {
    expect((await t.call('GET', '/api/%61dmin/incidents')).status).toBe(200);
    expect((await t.call('POST', '/api/adm%69n/incidents', makeIncident())).status).toBe(201);
    expect((await t.app.request('/api/v2/summary%2Ejson')).status).toBe(200);
  });
});

describe('the admin route groups check the role themselves', () => {
  // The same routes as the app mounts, with nothing in front of them but the group's own
  // check: what runs if the front middleware ever misjudges a path.
  const groupOnly = (role?: 'admin' | 'comms' | 'support') => {
    const deps: AppDeps = {
      ...t.herald.commands,
      publisher: t.publisher,
      config: t.config,
      snapshot: t.snapshot,
      renderPage: null,
      subscriptions: { secret: LINK_SECRET, throttle: DEFAULT_SIGNUP_THROTTLE, webhookAllowLocal: false },
      contentDir: t.config.contentDir,
      watchdog: t.herald.watchdog,
      metrics: t.herald.metrics,
    };
    const app = new Hono<HeraldEnv>();
    app.onError(handleError({ error() {} }));
    if (role) app.use((c, next) => (c.set('role', role), c.set('actor', { kind: 'token', name: role }), next()));
    app.use('/api/admin/*', requireAdminRole());
    app.route('/api/admin/services', adminServiceRoutes(deps));
    return app;
  };
  const patch = (app: Hono<HeraldEnv>) =>
    app.request('/api/admin/services/api', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'major_outage' }),
    });

  it('refuses a request no front check authenticated, read or write', async () => {
    expect((await groupOnly().request('/api/admin/services')).status).toBe(401);
    expect((await patch(groupOnly())).status).toBe(401);
    expect(await count('audit_log')).toBe(0);
  });

  it('refuses a write by a role that cannot publish', async () => {
    expect((await groupOnly('support').request('/api/admin/services')).status).toBe(200);
    expect((await patch(groupOnly('support'))).status).toBe(403);
    const service = await t.db.execute("SELECT status FROM services WHERE slug = 'api'");
    expect(service.rows[0]?.status).toBe('operational');
  });

  it('lets a publishing role write', async () => {
    expect((await patch(groupOnly('comms'))).status).toBe(200);
  });
});
