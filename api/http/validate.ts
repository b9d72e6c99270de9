import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

/**
 * `zValidator` with Herald's one hook: every 400 names each bad field, in the error shape
 * every other error uses.
 */
export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (result.success) return;
    const fields = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || target,
      message: issue.message,
    }));
    throw new ValidationError(`[Validation] ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
  });
