import type { Executor } from '../db/client.ts';
import { ACCOUNT_THROTTLE, IP_THROTTLE, lockedUntil } from './throttle.ts';

const WINDOW_MS = Math.max(ACCOUNT_THROTTLE.windowMs, IP_THROTTLE.windowMs);

async function failures(db: Executor, scope: 'account' | 'ip', key: string, now: Date): Promise<Date[]> {
  const { rows } = await db.execute({
    sql: 'SELECT at FROM sign_in_failures WHERE scope = ? AND key = ? AND at > ?',
    args: [scope, key, new Date(now.getTime() - WINDOW_MS).toISOString()],
  });
  return rows.map((r) => new Date(String(r.at)));
}

/**
 * Until when sign-in is refused for this account or address, whichever is later; null when
 * allowed. The account key is the email as typed (lowercased), known or not, so the answer
 * says nothing about whether the account exists.
 */
export async function signInLockedUntil(db: Executor, account: string, ip: string, now: Date): Promise<Date | null> {
  const byAccount = lockedUntil(await failures(db, 'account', account, now), now, ACCOUNT_THROTTLE);
  const byIp = lockedUntil(await failures(db, 'ip', ip, now), now, IP_THROTTLE);
  if (!byAccount) return byIp;
  if (!byIp) return byAccount;
  return byAccount > byIp ? byAccount : byIp;
}

export async function recordSignInFailure(db: Executor, account: string, ip: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.execute({ sql: "INSERT INTO sign_in_failures (scope, key, at) VALUES ('account', ?, ?), ('ip', ?, ?)", args: [account, at, ip, at] });
  await db.execute({ sql: 'DELETE FROM sign_in_failures WHERE at <= ?', args: [new Date(now.getTime() - WINDOW_MS).toISOString()] });
}

/** A successful sign-in forgets the account's failures (not the address's: that is a shared budget). */
export async function clearAccountFailures(db: Executor, account: string): Promise<void> {
  await db.execute({ sql: "DELETE FROM sign_in_failures WHERE scope = 'account' AND key = ?", args: [account] });
}
