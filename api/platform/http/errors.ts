import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HeraldError, type FieldIssue } from '../../shared/errors.ts';
import type { HeraldEnv } from './env.ts';

export type ErrorBody = { error: { code: string; message: string; requestId: string; fields?: FieldIssue[] } };

/** An error as a page for the requests that want one (the desk's, from a browser); null answers JSON. */
export type ErrorPage = (c: Context<HeraldEnv>, status: number, error: ErrorBody['error']) => Promise<Response | null>;

/**
 * The one place an error becomes a response: the code decides the status, the body always has
 * the same shape, 5xx are logged with the request id, and no stack trace ever leaves. `page`
 * may answer the same error as a page instead (same status, same message).
 */
export function handleError(log: Pick<Console, 'error'>, page?: ErrorPage) {
  return async (err: Error, c: Context<HeraldEnv>) => {
    const requestId = c.get('requestId') ?? 'unknown';
    let status = 500;
    let body: ErrorBody['error'] = { code: 'internal_error', message: 'Something went wrong on our side; the request id helps us find it.', requestId };
    if (err instanceof HeraldError) {
      status = err.status;
      body = { code: err.code, message: err.message, requestId, ...(err.fields ? { fields: err.fields } : {}) };
    } else if (err instanceof HTTPException) {
      status = err.status;
      // The OpenAPI router's own content-type check answers 415 for a JSON type it does not know.
      const known: Record<number, [string, string]> = {
        413: ['payload_too_large', err.message],
        415: ['unsupported_media_type', '[HTTP] Send the body as JSON with "Content-Type: application/json".'],
      };
      const [code, message] = known[status] ?? ['bad_request', err.message];
      body = { code, message: message || 'The request could not be read.', requestId };
    }
    if (status >= 500) log.error(`[HTTP] ${c.req.method} ${c.req.path} failed (request ${requestId}):`, err);
    const html = page ? await page(c, status, body) : null;
    if (html) return html;
    const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Bearer realm="herald"' } : {};
    return c.json({ error: body } satisfies ErrorBody, status as ContentfulStatusCode, headers);
  };
}
