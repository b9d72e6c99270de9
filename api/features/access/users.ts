/**
 * Desk accounts: what a new user and a new password must be, and the scrypt hash that is all
 * the database keeps of a password. The SQL is store.ts's; the audit entry, the commands'.
 */
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import type { UserRole } from '../../shared/roles.ts';
import type { Executor } from '../../platform/db/client.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import { EMAIL_PATTERN } from './schemas.ts';
import { emailTaken, findUser, insertUser, setPasswordHash, type User } from './store.ts';

export type { User };

/** Creates a user with a scrypt-hashed password; refuses a short password, a malformed email and an email taken. */
export async function createUser(db: Executor, input: { email: string; role: UserRole; password: string; name?: string | null }, now: Date): Promise<User> {
  const problem = passwordProblem(input.password);
  if (problem) throw new ValidationError(`[Users] The password is too short: ${problem}.`, [{ path: 'password', message: problem }]);
  const email = input.email.trim().toLowerCase();
  if (!EMAIL_PATTERN.test(email))
    throw new ValidationError(`[Users] "${input.email}" is not an email address.`, [{ path: 'email', message: 'must be an email address' }]);
  if (await emailTaken(db, email)) throw new ConflictError(`[Users] ${email} exists already; set a new password for that user instead of adding it again.`);
  return insertUser(db, { email, name: input.name ?? null, role: input.role, passwordHash: await hashPassword(input.password) }, now);
}

/** The user with this id, disabled or not; NotFoundError when there is none. */
export async function loadUser(db: Executor, id: number): Promise<User> {
  const user = await findUser(db, id);
  if (!user) throw new NotFoundError(`[Users] No user ${id}.`);
  return user;
}

/** Sets a new password and ends every session of the user: a stolen cookie dies with the old password. */
export async function setPassword(db: Executor, userId: number, password: string, now: Date): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError(`[Users] The new password is too short: ${problem}.`, [{ path: 'password', message: problem }]);
  if (!(await setPasswordHash(db, userId, await hashPassword(password), now))) throw new NotFoundError(`[Users] No user ${userId}.`);
}
