/**
 * Desk sessions: 256 random bits in the cookie, only their hash stored (the SQL is
 * store.ts's), each with its CSRF token and an end.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../../platform/db/client.ts';
import type { Session } from '../../shared/roles.ts';
import { deleteSession, findLiveSession, insertSession } from './store.ts';

export type { Session };
export { pruneSessions } from './store.ts';

/** A session lasts a working shift; after that the comms lead signs in again. */
export const SESSION_TTL_MS = 12 * 3600_000;

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Starts a session: 256 random bits in the cookie, only their hash stored, and its CSRF token. */
export async function createSession(db: Executor, userId: number, now: Date): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await insertSession(db, { tokenHash: hash(token), userId, csrfToken, expiresAt }, now);
  return { token, csrfToken, expiresAt };
}

/** The live session a cookie names, or null (unknown, expired, or its user disabled). */
export async function findSession(db: Executor, token: string, now: Date): Promise<Session | null> {
  return findLiveSession(db, hash(token), now);
}

export async function endSession(db: Executor, token: string): Promise<void> {
  await deleteSession(db, hash(token));
}
