/**
 * Who may use Herald, in SQL: desk users, API tokens (by hash), sessions (by hash) and the
 * sign-in attempts the throttle counts. Hashing, password rules and who may do what are the
 * callers' (users.ts, tokens.ts, sessions.ts, attempts.ts, commands.ts).
 */
import type { Row } from '@libsql/client';
import type { Role, Session, UserRole } from '../../shared/roles.ts';
import type { Executor } from '../../platform/db/client.ts';

export type User = { id: number; email: string; name: string | null; role: UserRole; createdAt: string; disabledAt: string | null };

const toUser = (r: Row): User => ({
  id: Number(r.id),
  email: String(r.email),
  name: r.name === null ? null : String(r.name),
  role: String(r.role) as UserRole,
  createdAt: String(r.created_at),
  disabledAt: r.disabled_at === null ? null : String(r.disabled_at),
});

/* ---------- users ---------- */

export async function emailTaken(db: Executor, email: string): Promise<boolean> {
  const { rows } = await db.execute({ sql: 'SELECT 1 FROM users WHERE email = ?', args: [email] });
  return rows.length > 0;
}

export async function insertUser(db: Executor, row: { email: string; name: string | null; role: UserRole; passwordHash: string }, now: Date): Promise<User> {
  const at = now.toISOString();
  const { rows } = await db.execute({
    sql: `INSERT INTO users (email, name, role, password_hash, password_changed_at, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
    args: [row.email, row.name, row.role, row.passwordHash, at, at],
  });
  return toUser(rows[0] as Row);
}

/** The user and their password hash, for sign-in; null when there is no such active user. */
export async function findUserForSignIn(db: Executor, email: string): Promise<(User & { passwordHash: string }) | null> {
  const { rows } = await db.execute({ sql: 'SELECT * FROM users WHERE email = ? AND disabled_at IS NULL', args: [email.trim().toLowerCase()] });
  const row = rows[0];
  return row ? { ...toUser(row), passwordHash: String(row.password_hash) } : null;
}

export async function findUser(db: Executor, id: number): Promise<User | null> {
  const { rows } = await db.execute({ sql: 'SELECT * FROM users WHERE id = ?', args: [id] });
  return rows[0] ? toUser(rows[0]) : null;
}

export async function listUsers(db: Executor): Promise<User[]> {
  const { rows } = await db.execute('SELECT * FROM users ORDER BY email');
  return rows.map(toUser);
}

/** Active users with a role, e.g. every comms lead for a freshness reminder. */
export async function usersWithRole(db: Executor, role: UserRole): Promise<User[]> {
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

/** Sets a new password hash and ends every session of the user. @returns false when there is no such user. */
export async function setPasswordHash(db: Executor, userId: number, passwordHash: string, now: Date): Promise<boolean> {
  const { rowsAffected } = await db.execute({
    sql: 'UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?',
    args: [passwordHash, now.toISOString(), userId],
  });
  if (rowsAffected === 0) return false;
  await db.execute({ sql: 'DELETE FROM sessions WHERE user_id = ?', args: [userId] });
  return true;
}

/** Disables a user and ends their sessions. @returns false when there is no such active user. */
export async function disableUser(db: Executor, userId: number, now: Date): Promise<boolean> {
  const { rowsAffected } = await db.execute({
    sql: 'UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL',
    args: [now.toISOString(), userId],
  });
  if (rowsAffected === 0) return false;
  await db.execute({ sql: 'DELETE FROM sessions WHERE user_id = ?', args: [userId] });
  return true;
}

/* ---------- API tokens ---------- */

export type TokenInfo = { id: number; name: string; role: Role; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

/** @returns the new token's id. */
export async function insertToken(db: Executor, row: { name: string; tokenHash: string; role: Role }, now: Date): Promise<number> {
  const { rows } = await db.execute({
    sql: 'INSERT INTO api_tokens (name, token_hash, created_at, role) VALUES (?, ?, ?, ?) RETURNING id',
    args: [row.name, row.tokenHash, now.toISOString(), row.role],
  });
  return Number(rows[0]?.id);
}

export async function listTokens(db: Executor): Promise<TokenInfo[]> {
  const { rows } = await db.execute('SELECT id, name, role, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY id');
  return rows.map((r) => ({
    id: Number(r.id),
    name: String(r.name),
    role: String(r.role) as Role,
    createdAt: String(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : String(r.last_used_at),
    revokedAt: r.revoked_at === null ? null : String(r.revoked_at),
  }));
}

/** @returns false when there is no such active token. */
export async function revokeTokenRow(db: Executor, id: number, now: Date): Promise<boolean> {
  const { rowsAffected } = await db.execute({ sql: 'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', args: [now.toISOString(), id] });
  return rowsAffected > 0;
}

/** The active token with this hash: its name and role; null when there is none. */
export async function findActiveToken(db: Executor, tokenHash: string): Promise<{ name: string; role: Role } | null> {
  const { rows } = await db.execute({ sql: 'SELECT id, name, role FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL', args: [tokenHash] });
  const row = rows[0];
  return row ? { name: String(row.name), role: String(row.role) as Role } : null;
}

/* ---------- sessions ---------- */

export async function insertSession(db: Executor, row: { tokenHash: string; userId: number; csrfToken: string; expiresAt: Date }, now: Date): Promise<void> {
  await db.execute({
    sql: 'INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    args: [row.tokenHash, row.userId, row.csrfToken, now.toISOString(), row.expiresAt.toISOString()],
  });
}

/** The live session with this hash (not expired at `now`, its user not disabled); null when there is none. */
export async function findLiveSession(db: Executor, tokenHash: string, now: Date): Promise<Session | null> {
  const { rows } = await db.execute({
    sql: `SELECT s.user_id, s.csrf_token, s.expires_at, u.email, u.name, u.role FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
    args: [tokenHash, now.toISOString()],
  });
  const r = rows[0];
  if (!r) return null;
  return {
    userId: Number(r.user_id),
    email: String(r.email),
    name: r.name === null ? null : String(r.name),
    role: String(r.role) as Role,
    csrfToken: String(r.csrf_token),
    expiresAt: String(r.expires_at),
  };
}

export async function deleteSession(db: Executor, tokenHash: string): Promise<void> {
  await db.execute({ sql: 'DELETE FROM sessions WHERE token_hash = ?', args: [tokenHash] });
}

/** Forgets sessions expired at `now`. */
export async function pruneSessions(db: Executor, now: Date): Promise<void> {
  await db.execute({ sql: 'DELETE FROM sessions WHERE expires_at <= ?', args: [now.toISOString()] });
}

/* ---------- sign-in attempts ---------- */

/** Forgets attempts made at or before `since`. */
export async function forgetAttemptsBefore(db: Executor, since: string): Promise<void> {
  await db.execute({ sql: 'DELETE FROM sign_in_attempts WHERE at <= ?', args: [since] });
}

/** When the counted attempts after `since` were made: by one account from one address, by one address, or on one account (its devices' own left out when asked). */
export async function attemptTimes(db: Executor, by: { account?: string; address?: string; excludeDevices?: boolean }, since: string): Promise<Date[]> {
  const where = [
    ...(by.account === undefined ? [] : ['account = ?']),
    ...(by.address === undefined ? [] : ['address = ?']),
    // A known browser's attempts are kept under 'device:<id>' and count against its own budget only.
    ...(by.excludeDevices ? ["address NOT LIKE 'device:%'"] : []),
  ];
  const args = [...(by.account === undefined ? [] : [by.account]), ...(by.address === undefined ? [] : [by.address])];
  const { rows } = await db.execute({ sql: `SELECT at FROM sign_in_attempts WHERE ${where.join(' AND ')} AND at > ?`, args: [...args, since] });
  return rows.map((r) => new Date(String(r.at)));
}

export async function insertAttempt(db: Executor, who: { account: string; address: string }, at: Date): Promise<void> {
  await db.execute({ sql: 'INSERT INTO sign_in_attempts (account, address, at) VALUES (?, ?, ?)', args: [who.account, who.address, at.toISOString()] });
}

/** Forgets one account's attempts from one address. */
export async function forgetAttempts(db: Executor, who: { account: string; address: string }): Promise<void> {
  await db.execute({ sql: 'DELETE FROM sign_in_attempts WHERE account = ? AND address = ?', args: [who.account, who.address] });
}
