/**
 * Who may use Herald: API tokens and desk users, created, revoked, disabled and re-passworded
 * by the same commands whether an admin uses the desk or an operator a terminal. Each change
 * is audited in the transaction that makes it.
 */
import { NotFoundError } from '../../shared/errors.ts';
import type { Role, UserRole } from '../../shared/roles.ts';
import type { CommandContext } from '../../platform/commands.ts';
import { recordAudit } from '../audit/index.ts';
import { disableUser } from './store.ts';
import { createToken, revokeToken } from './tokens.ts';
import { createUser, loadUser, setPassword, type User } from './users.ts';

/** A new API token, shown once: only its hash is stored. */
export async function issueToken(ctx: CommandContext, input: { name: string; role: Role }): Promise<{ id: number; token: string }> {
  const now = ctx.clock.now();
  return ctx.db.write(async (tx) => {
    const created = await createToken(tx, input.name, now, input.role);
    await recordAudit(tx, { actor: ctx.actor, action: 'token.create', entity: 'token', ref: String(created.id), after: input }, now);
    return created;
  });
}

/** Revokes a token; it stops working on its next request. */
export async function withdrawToken(ctx: CommandContext, id: number): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    await revokeToken(tx, id, now);
    await recordAudit(tx, { actor: ctx.actor, action: 'token.revoke', entity: 'token', ref: String(id) }, now);
  });
}

export async function addUser(ctx: CommandContext, input: { email: string; role: UserRole; password: string; name: string | null }): Promise<User> {
  const now = ctx.clock.now();
  return ctx.db.write(async (tx) => {
    const user = await createUser(tx, input, now);
    await recordAudit(
      tx,
      { actor: ctx.actor, action: 'user.create', entity: 'user', ref: user.email, after: { email: user.email, name: user.name, role: user.role } },
      now,
    );
    return user;
  });
}

/** Ends a user's sessions and sign-ins; their audit trail stays. */
export async function removeUser(ctx: CommandContext, userId: number): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    const user = await loadUser(tx, userId);
    if (!(await disableUser(tx, userId, now))) throw new NotFoundError(`[Users] No active user ${userId}.`);
    await recordAudit(tx, { actor: ctx.actor, action: 'user.disable', entity: 'user', ref: user.email }, now);
  });
}

/** Sets a user's password; every session of theirs ends. */
export async function changePassword(ctx: CommandContext, userId: number, password: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    const user = await loadUser(tx, userId);
    await setPassword(tx, userId, password, now);
    await recordAudit(tx, { actor: ctx.actor, action: 'user.password', entity: 'user', ref: user.email }, now);
  });
}
