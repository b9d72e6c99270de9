import type { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import type { HeraldEnv } from '../../deps.ts';

/**
 * The API as OpenAPI 3.1, generated from the routes mounted on `app` (each registered with
 * `createRoute` in api/platform/http/openapi.ts): a route cannot exist undocumented, nor a document entry
 * without its route. Generated at the first request, once every route is mounted, then kept.
 */
function openapiDocument(app: OpenAPIHono<HeraldEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An admin token: HERALD_ADMIN_TOKEN or one made with `npm run token -- create NAME`',
  });
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Herald API',
      version: '1',
      description: 'Post and update incidents, maintenance and services. Every /api/admin route needs `Authorization: Bearer <token>`.',
    },
    security: [{ bearer: [] }],
  });
}

export const openapiRoute = (app: OpenAPIHono<HeraldEnv>) => {
  let body: string | undefined;
  return new Hono<HeraldEnv>().get('/api/openapi.json', (c) => {
    body ??= JSON.stringify(openapiDocument(app));
    return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8' });
  });
};
