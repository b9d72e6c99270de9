import { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../support/app.ts';

type Doc = { paths: Record<string, Record<string, { requestBody?: unknown }>> };

let t: TestApp;
let doc: Doc;
beforeEach(async () => {
  t = await makeTestApp();
  doc = (await t.call('GET', '/api/openapi.json', undefined, null)).json;
});

/** Every documented method and path, e.g. `POST /api/admin/incidents/{ref}/updates`. */
const documented = (d: Doc) => Object.entries(d.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));

/** The admin routes an app really registers, in the document's spelling (`:ref` → `{ref}`); middleware (method ALL) left out. */
const registeredAdminRoutes = (app: Hono<any>) => [
  ...new Set(app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/admin/')).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)),
];

/** A concrete URL for a documented path: references that name nothing, ids that name nothing. */
const concrete = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === 'ref' ? (path.includes('/maintenance/') ? 'MNT-999' : 'INC-999') : name === 'slug' ? 'no-such-service' : '999',
  );

/** The answer of app.notFound (api/app.ts): what a request no route matched gets. */
const unrouted = (res: { status: number; json: any }) => res.status === 404 && /^\[HTTP\] Nothing at /.test(res.json?.error?.message ?? '');

describe('the OpenAPI document and the routes cannot drift apart', () => {
  it('routes every documented operation', async () => {
    expect(unrouted(await t.call('GET', '/api/admin/no-such-route'))).toBe(true);
    const operations = documented(doc);
    expect(operations.length).toBeGreaterThan(20);
    for (const operation of operations) {
      const [method = '', path = ''] = operation.split(' ');
      const body = doc.paths[path]?.[method.toLowerCase()]?.requestBody ? {} : undefined;
      const res = await t.call(method, concrete(path), body);
      expect(unrouted(res), `${operation} answered ${res.status} ${res.text.slice(0, 200)}`).toBe(false);
    }
  });

  it('documents every admin route the app registers', () => {
    const registered = registeredAdminRoutes(t.app);
    expect(registered).toContain('PATCH /api/admin/incidents/{ref}/updates/{updateId}');
    expect(registered.filter((route) => !documented(doc).includes(route))).toEqual([]);
  });

  it('would notice an admin route registered without its documentation', () => {
    const app = new OpenAPIHono().route(
      '/api/admin/extra',
      new Hono().get('/', (c) => c.text('hidden')),
    );
    expect(registeredAdminRoutes(app)).toEqual(['GET /api/admin/extra']);
  });

  it('answers 415 in the one error shape to every documented JSON body sent as another type', async () => {
    const withBody = documented(doc).filter((operation) => {
      const [method = '', path = ''] = operation.split(' ');
      return doc.paths[path]?.[method.toLowerCase()]?.requestBody;
    });
    expect(withBody.length).toBeGreaterThan(10);
    for (const operation of withBody) {
      const [method = '', path = ''] = operation.split(' ');
      const res = await t.app.request(concrete(path), {
        method,
        headers: { authorization: 'Bearer test-admin-token-0123456789abcdef', 'content-type': 'text/plain' },
        body: '{}',
      });
      expect(res.status, operation).toBe(415);
      expect((await res.json()).error, operation).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('application/json') });
    }
  });
});

describe('the generated document', () => {
  it('refers to the shared schemas by name, with the bearer scheme and the error shape', () => {
    const full = doc as Doc & { components: { schemas: Record<string, any>; securitySchemes: Record<string, unknown> }; security: unknown };
    expect(full.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(full.security).toEqual([{ bearer: [] }]);
    expect(full.components.schemas.Error.properties.error.required).toEqual(['code', 'message', 'requestId']);
    const declare = (doc.paths['/api/admin/incidents'] as any).post;
    expect(declare.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateIncidentInput' });
    expect(declare.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Incident' });
    expect(declare.responses['201'].headers.Location).toBeDefined();
    expect(declare.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect((doc.paths['/healthz'] as any).get.security).toEqual([]);
    expect((doc.paths['/api/admin/incidents'] as any).get.parameters.map((p: { name: string }) => p.name)).toEqual(['state', 'limit']);
  });
});
