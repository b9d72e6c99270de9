import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { UnsupportedMediaTypeError, ValidationError } from '../errors.ts';

/**
 * `zValidator` with Herald's one hook: every 400 names each bad field, in the error shape
 * every other error uses. A JSON body sent under another content type is refused with 415
 * (Hono would otherwise read it as empty and report every field missing).
 */
export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) => {
  const validator = zValidator(target, schema, (result) => {
    if (result.success) return;
    const fields = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || target,
      message: issue.message,
    }));
    throw new ValidationError(`[Validation] ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
  });
  if (target !== 'json') return validator;
  return (async (c, next) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json' && !type?.endsWith('+json')) {
      throw new UnsupportedMediaTypeError(`[HTTP] Send the body as JSON with "Content-Type: application/json" (got "${type || 'none'}").`);
    }
    return validator(c, next);
  }) as typeof validator;
};
