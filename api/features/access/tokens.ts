import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Executor } from '../../platform/db/client.ts';
import type { Actor } from '../../shared/actor.ts';
import { NotFoundError } from '../../shared/errors.ts';
import type { Role } from '../../shared/roles.ts';

const PREFIX = 'hrld_';

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new API token: 256 random bits, shown once; only its hash is stored. It carries a role (admin unless said). */
export async function createToken(db: Executor, name: string, now: Date, role: Role = 'admin'): Promise<{ id: number; token: string }> {
  const token = PREFIX + randomBytes(32).toString('base64url');
  const { rows } = await db.execute({
    sql: 'INSERT INTO api_tokens (name, token_hash, created_at, role) VALUES (?, ?, ?, ?) RETURNING id',
    args: [name, hash(token), now.toISOString(), role],
  });
  return { id: Number(rows[0]?.id), token };
}

export type TokenInfo = { id: number; name: string; role: Role; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

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

export async function revokeToken(db: Executor, id: number, now: Date): Promise<void> {
  const { rowsAffected } = await db.execute({
    sql: 'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    args: [now.toISOString(), id],
  });
  if (rowsAffected === 0) throw new NotFoundError(`[Tokens] No active token ${id}.`);
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
  const { rows } = await db.execute({
    sql: 'SELECT id, name, role FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL',
    args: [hash(token)],
  });
  const row = rows[0];
  return row ? { actor: { kind: 'token', name: String(row.name) }, role: String(row.role) as Role } : null;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
