/**
 * API tokens: 256 random bits shown once, looked up by their SHA-256 hash (the SQL is
 * store.ts's), and the operator's HERALD_ADMIN_TOKEN beside them.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Executor } from '../../platform/db/client.ts';
import type { Actor } from '../../shared/actor.ts';
import { NotFoundError } from '../../shared/errors.ts';
import type { Role } from '../../shared/roles.ts';
import { findActiveToken, insertToken, revokeTokenRow } from './store.ts';

const PREFIX = 'hrld_';

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new API token: 256 random bits, shown once; only its hash is stored. It carries a role (admin unless said). */
export async function createToken(db: Executor, name: string, now: Date, role: Role = 'admin'): Promise<{ id: number; token: string }> {
  const token = PREFIX + randomBytes(32).toString('base64url');
  return { id: await insertToken(db, { name, tokenHash: hash(token), role }, now), token };
}

export async function revokeToken(db: Executor, id: number, now: Date): Promise<void> {
  if (!(await revokeTokenRow(db, id, now))) throw new NotFoundError(`[Tokens] No active token ${id}.`);
}

/**
 * Who a bearer token belongs to and the role it carries, or null. Looked up on every request,
 * so a revoked token stops working on its next one. The operator's `HERALD_ADMIN_TOKEN` is an
 * admin, compared in constant time; stored tokens are looked up by hash, so their text never
 * sits in the database.
 */
export async function authenticateBearer(db: Executor, token: string, envToken: string | undefined): Promise<{ actor: Actor; role: Role } | null> {
  if (envToken && safeEqual(hash(token), hash(envToken))) return { actor: { kind: 'token', name: null }, role: 'admin' };
  if (!token.startsWith(PREFIX)) return null;
  const found = await findActiveToken(db, hash(token));
  return found ? { actor: { kind: 'token', name: found.name }, role: found.role } : null;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
