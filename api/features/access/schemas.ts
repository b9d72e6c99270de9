/**
 * What a new API token, a new desk user and a new password must be, in one place for the
 * desk's forms. The accounts (users.ts) still refuse a bad email or password on their own,
 * whoever asks (the CLI too).
 */
import { z } from 'zod';
import { PASSWORD_RULE, passwordProblem } from './passwords.ts';
import { Role, UserRole } from '../../shared/roles.ts';
import { STORABLE_ERROR, storable, StorableText } from '../../shared/storable.ts';

/** Something@something, no spaces: enough to catch a typo without refusing a real address. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

const Password = z.string().refine((p) => passwordProblem(p) === null, `use ${PASSWORD_RULE}`);

export const NewTokenInput = z.object({ name: StorableText(100), role: Role });
export type NewTokenInput = z.infer<typeof NewTokenInput>;

export const NewUserInput = z.object({
  email: z.string().trim().toLowerCase().regex(EMAIL_PATTERN, 'must be an email address').refine(storable, STORABLE_ERROR),
  name: StorableText(200, { min: 0 }).transform((name) => name || null),
  role: UserRole,
  password: Password,
});
export type NewUserInput = z.infer<typeof NewUserInput>;

export const NewPasswordInput = z
  .object({ password: Password, confirm: z.string() })
  .refine((p) => p.password === p.confirm, { path: ['confirm'], message: 'The two new passwords differ.' });
export type NewPasswordInput = z.infer<typeof NewPasswordInput>;
