import { zValidator } from '@hono/zod-validator';
import type { Context, MiddlewareHandler, ValidationTargets } from 'hono';
import type { z } from 'zod';
import { UnsupportedMediaTypeError, ValidationError } from '../../shared/errors.ts';

type Outcome = { target: keyof ValidationTargets; success: boolean; error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };

/**
 * Herald's one validation hook, for `validate()` and every documented route
 * (`documentedRoutes()` in api/platform/http/openapi.ts): every 400 names each bad field, in the error
 * shape every other error uses.
 */
export function validationHook(result: Outcome): void {
  if (result.success || !result.error) return;
  const fields = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || result.target,
    message: issue.message,
  }));
  throw new ValidationError(`[Validation] ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
}

/**
 * Refuses a body sent under another content type than JSON with 415, before it is read: Hono
 * would read it as empty and report every field missing.
 */
export const requireJson: MiddlewareHandler = async (c: Context, next) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) {
    throw new UnsupportedMediaTypeError(`[HTTP] Send the body as JSON with "Content-Type: application/json" (got "${type || 'none'}").`);
  }
  return next();
};

/** `zValidator` with Herald's one hook (and, for a JSON body, the 415 check first). */
export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) => {
  const validator = zValidator(target, schema, validationHook);
  if (target !== 'json') return validator;
  return (async (c, next) => requireJson(c, () => validator(c, next))) as typeof validator;
};
