import type { Executor } from '../../platform/db/client.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import type { UserRole as Role } from '../../shared/roles.ts';

export type User = { id: number; email: string; name: string | null; role: Role; createdAt: string; disabledAt: string | null };
type Row = Record<string, unknown>;

/** Something@something, no spaces: enough to catch a typo without refusing a real address. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

const toUser = (r: Row): User => ({
  id: Number(r.id),
  email: String(r.email),
  name: r.name === null ? null : String(r.name),
  role: String(r.role) as Role,
  createdAt: String(r.created_at),
  disabledAt: r.disabled_at === null ? null : String(r.disabled_at),
});

/** Creates a user with a scrypt-hashed password. */
export async function createUser(db: Executor, input: { email: string; role: Role; password: string; name?: string | null }, now: Date): Promise<User> {
  const problem = passwordProblem(input.password);
  if (problem) throw new ValidationError(`[Users] The password is too short: ${problem}.`, [{ path: 'password', message: problem }]);
  const email = input.email.trim().toLowerCase();
  if (!EMAIL_PATTERN.test(email)) throw new ValidationError(`[Users] "${input.email}" is not an email address.`, [{ path: 'email', message: 'must be an email address' }]);
  const existing = await db.execute({ sql: 'SELECT 1 FROM users WHERE email = ?', args: [email] });
  if (existing.rows[0]) throw new ConflictError(`[Users] ${email} exists already; \`npm run user -- password ${email}\` sets a new password.`);
  const at = now.toISOString();
  const { rows } = await db.execute({
    sql: `INSERT INTO users (email, name, role, password_hash, password_changed_at, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
    args: [email, input.name ?? null, input.role, await hashPassword(input.password), at, at],
  });
  return toUser(rows[0] as Row);
}

/** The user and their password hash, for sign-in; null when there is no such active user. */
export async function findUserForSignIn(db: Executor, email: string): Promise<(User & { passwordHash: string }) | null> {
  const { rows } = await db.execute({ sql: 'SELECT * FROM users WHERE email = ? AND disabled_at IS NULL', args: [email.trim().toLowerCase()] });
  const row = rows[0];
  return row ? { ...toUser(row), passwordHash: String(row.password_hash) } : null;
}

export async function getUser(db: Executor, id: number): Promise<User> {
  const { rows } = await db.execute({ sql: 'SELECT * FROM users WHERE id = ?', args: [id] });
  if (!rows[0]) throw new NotFoundError(`[Users] No user ${id}.`);
  return toUser(rows[0]);
}

export async function listUsers(db: Executor): Promise<User[]> {
  const { rows } = await db.execute('SELECT * FROM users ORDER BY email');
  return rows.map(toUser);
}

/** Active users with a role, e.g. every comms lead for a freshness reminder. */
export async function usersWithRole(db: Executor, role: Role): Promise<User[]> {
  const { rows } = await db.execute({ sql: 'SELECT * FROM users WHERE role = ? AND disabled_at IS NULL ORDER BY email', args: [role] });
  return rows.map(toUser);
}

/** An active user named by email or by name (case-insensitive): how an incident's commander is found. */
export async function findUserByEmailOrName(db: Executor, who: string): Promise<User | null> {
  const { rows } = await db.execute({
    sql: 'SELECT * FROM users WHERE disabled_at IS NULL AND (email = ? OR lower(name) = lower(?)) ORDER BY id LIMIT 1',
    args: [who.trim().toLowerCase(), who.trim()],
  });
  return rows[0] ? toUser(rows[0]) : null;
}

/** Sets a new password and ends every session of the user: a stolen cookie dies with the old password. */
export async function setPassword(db: Executor, userId: number, password: string, now: Date): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError(`[Users] The new password is too short: ${problem}.`, [{ path: 'password', message: problem }]);
  const { rowsAffected } = await db.execute({
    sql: 'UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?',
    args: [await hashPassword(password), now.toISOString(), userId],
  });
  if (rowsAffected === 0) throw new NotFoundError(`[Users] No user ${userId}.`);
  await db.execute({ sql: 'DELETE FROM sessions WHERE user_id = ?', args: [userId] });
}

/** Disables a user: their sessions end and they cannot sign in; their audit trail stays. */
export async function disableUser(db: Executor, userId: number, now: Date): Promise<void> {
  const { rowsAffected } = await db.execute({ sql: 'UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL', args: [now.toISOString(), userId] });
  if (rowsAffected === 0) throw new NotFoundError(`[Users] No active user ${userId}.`);
  await db.execute({ sql: 'DELETE FROM sessions WHERE user_id = ?', args: [userId] });
}
