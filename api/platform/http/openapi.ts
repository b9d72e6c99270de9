/**
 * The pieces every documented route is built from. A route is registered with
 * `documentedRoutes().openapi(defineRoute({ method, path, request, responses }), handler)`: the
 * one definition both routes the request (validating it with the same zod schemas) and
 * describes it in /api/openapi.json, so neither can exist without the other.
 */
import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { HeraldEnv } from './env.ts';
import { requireJson, validationHook } from './validate.ts';

/** A Hono app whose routes are documented and validated with Herald's one hook (the 400 shape). */
export const documentedRoutes = () => new OpenAPIHono<HeraldEnv>({ defaultHook: validationHook });

/**
 * `createRoute`, with our 415 in front of a JSON body. The library refuses another media type
 * itself, but with a bare HTTPException ("Unsupported Media Type") that says neither what to
 * send nor fits our error codes; route middleware runs before it.
 */
export const defineRoute = <P extends string, R extends Omit<RouteConfig, 'path' | 'middleware'> & { path: P }>(config: R) =>
  createRoute({ ...config, middleware: (config.request?.body ? [requireJson] : []) as MiddlewareHandler<HeraldEnv>[] });

/**
 * `defineRoute` for a route whose own checks must run after the 415 and before the body is
 * validated — a webhook whose signature covers the raw body (api/features/drafts/api/pagerduty.ts).
 */
export const defineGuardedRoute = <P extends string, R extends Omit<RouteConfig, 'path' | 'middleware'> & { path: P }>(
  config: R,
  guards: MiddlewareHandler<HeraldEnv>[],
) => createRoute({ ...config, middleware: [...(config.request?.body ? [requireJson] : []), ...guards] as MiddlewareHandler<HeraldEnv>[] });

/** The error shape of api/platform/http/errors.ts, as the document shows it. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      requestId: z.string(),
      fields: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'On 400: each bad field' }),
    }),
  })
  .meta({ id: 'Error' });

/** A JSON response. */
export const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } }) as const;

const ERRORS = {
  400: 'Bad input; `fields` names each bad field',
  401: 'No valid bearer token',
  403: "The token's role reads but cannot publish",
  404: 'Nothing by that reference, id or slug',
  409: 'Not allowed in the current state',
  413: 'Body over 64 KiB',
  415: 'The body is not sent as application/json',
  503: 'Not configured on this server (the message names the setting)',
  422: 'Customers would read internal details (code `leaks_internals`; `fields` names each finding; send again with `acknowledgeWarnings: true` to publish it as it is), or a maintenance window would already be over (code `window_in_past`; `fields` names `scheduledUntil`), or a signed event occurred outside the window in which it is taken (code `stale_event`)',
  429: 'Too many: the message says of what; send again after the seconds in Retry-After',
} as const;

/** The error answers a route can give, each with the one error shape. */
export const errors = <const C extends keyof typeof ERRORS>(...codes: C[]) => {
  const responses = {} as Record<C, ReturnType<typeof json<typeof ErrorBody>>>;
  for (const code of codes) responses[code] = json(ERRORS[code], ErrorBody);
  return responses;
};

/** What every admin route that writes can answer besides its success. */
export const writeErrors = () => errors(400, 401, 403, 404, 409, 413, 415);

/** What an admin route that publishes text to customers can answer besides its success. */
export const publishErrors = () => ({ ...writeErrors(), ...errors(422) });

/** A required JSON request body: required, so the validator (and its 415) always runs. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } }) as const;

// Path parameters are documented, not refused: an ill-formed reference is an unknown one (404).
export const IncidentRefParam = z.object({
  ref: z.string().meta({ pattern: '^INC-[1-9][0-9]*$', example: 'INC-42', description: 'Any case: inc-42 names INC-42' }),
});
export const MaintenanceRefParam = z.object({
  ref: z.string().meta({ pattern: '^MNT-[1-9][0-9]*$', example: 'MNT-7', description: 'Any case: mnt-7 names MNT-7' }),
});
export const SlugParam = z.object({ slug: z.string().meta({ example: 'api' }) });
export const idParam = <const N extends string>(name: N) =>
  z.object({ [name]: z.string().meta({ pattern: '^[1-9][0-9]*$', example: '1' }) } as Record<N, z.ZodString>);
