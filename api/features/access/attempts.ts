import type { Db, Executor } from '../../platform/db/client.ts';
import { deviceAdmits, judgeSignIn, THROTTLE_WINDOW_MS, type SignInVerdict } from './throttle.ts';

/**
 * Who is trying: the account as typed (lowercased; known or not, so nothing is revealed), the
 * client address (an IPv6 /64 counts as one), and the browser's device id when its device cookie
 * was signed for this account (devices.ts).
 */
export type Attempter = { account: string; address: string; device?: string | null };

/**
 * A known browser's attempts are kept under its device id in place of an address: they count
 * against its own budget only, never the address's or the account's.
 */
const DEVICE = 'device:';

const times = async (tx: Executor, where: string, args: string[], since: string): Promise<Date[]> => {
  const { rows } = await tx.execute({ sql: `SELECT at FROM sign_in_attempts WHERE ${where} AND at > ?`, args: [...args, since] });
  return rows.map((r) => new Date(String(r.at)));
};

/**
 * Counts an attempt before its password is checked, in one write transaction with the check
 * of the budgets: parallel attempts queue on the transaction, so each sees the ones before
 * it, and no more are let through than the budgets allow. A refused attempt is not counted
 * (a guesser cannot keep renewing a lock). An admitted one is checked at `checkAt`.
 */
export async function admitSignIn(db: Db, who: Attempter, now: Date): Promise<SignInVerdict> {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString();
  return db.write(async (tx) => {
    await tx.execute({ sql: 'DELETE FROM sign_in_attempts WHERE at <= ?', args: [since] });
    if (who.device) {
      const key = `${DEVICE}${who.device}`;
      if (deviceAdmits(await times(tx, 'account = ? AND address = ?', [who.account, key], since), now)) {
        await tx.execute({ sql: 'INSERT INTO sign_in_attempts (account, address, at) VALUES (?, ?, ?)', args: [who.account, key, now.toISOString()] });
        return { admitted: true, checkAt: now };
      }
    }
    const verdict = judgeSignIn(
      {
        pair: await times(tx, 'account = ? AND address = ?', [who.account, who.address], since),
        address: await times(tx, 'address = ?', [who.address], since),
        account: await times(tx, "account = ? AND address NOT LIKE 'device:%'", [who.account], since),
      },
      now,
    );
    if (!verdict.admitted) return verdict;
    await tx.execute({ sql: 'INSERT INTO sign_in_attempts (account, address, at) VALUES (?, ?, ?)', args: [who.account, who.address, verdict.checkAt.toISOString()] });
    return verdict;
  });
}

/**
 * The right password: this pair's attempts, and this browser's, stop counting (the owner's own
 * typos are forgiven). Other addresses' attempts on the account still count: they are someone else's.
 */
export async function signInSucceeded(db: Executor, who: Attempter): Promise<void> {
  await db.execute({
    sql: 'DELETE FROM sign_in_attempts WHERE account = ? AND address IN (?, ?)',
    args: [who.account, who.address, who.device ? `${DEVICE}${who.device}` : who.address],
  });
}

/** Waits until an admitted attempt's turn (now, unless its account is being slowed down). */
export async function waitForTurn(admission: { checkAt: Date }, now: Date): Promise<void> {
  const wait = admission.checkAt.getTime() - now.getTime();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** "Try again in N min." for a refused attempt. */
export const retryMinutes = (retryAt: Date, now: Date): number => Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000));
