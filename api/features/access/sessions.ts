import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../../platform/db/client.ts';
import type { Role, Session } from '../../shared/roles.ts';

export type { Session };

/** A session lasts a working shift; after that the comms lead signs in again. */
export const SESSION_TTL_MS = 12 * 3600_000;

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');


/** Starts a session: 256 random bits in the cookie, only their hash stored, and its CSRF token. */
export async function createSession(db: Executor, userId: number, now: Date): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.execute({
    sql: 'INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    args: [hash(token), userId, csrfToken, now.toISOString(), expiresAt.toISOString()],
  });
  return { token, csrfToken, expiresAt };
}

/** The live session a cookie names, or null (unknown, expired, or its user disabled). */
export async function findSession(db: Executor, token: string, now: Date): Promise<Session | null> {
  const { rows } = await db.execute({
    sql: `SELECT s.user_id, s.csrf_token, s.expires_at, u.email, u.name, u.role FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
    args: [hash(token), now.toISOString()],
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

export async function endSession(db: Executor, token: string): Promise<void> {
  await db.execute({ sql: 'DELETE FROM sessions WHERE token_hash = ?', args: [hash(token)] });
}

/** Forgets expired sessions; run now and then so the table does not grow forever. */
export async function pruneSessions(db: Executor, now: Date): Promise<void> {
  await db.execute({ sql: 'DELETE FROM sessions WHERE expires_at <= ?', args: [now.toISOString()] });
}
