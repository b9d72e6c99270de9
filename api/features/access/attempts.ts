import type { Db, Executor } from '../../platform/db/client.ts';
import { attemptTimes, forgetAttempts, forgetAttemptsBefore, insertAttempt } from './store.ts';
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

/**
 * Counts an attempt before its password is checked, in one write transaction with the check
 * of the budgets: parallel attempts queue on the transaction, so each sees the ones before
 * it, and no more are let through than the budgets allow. A refused attempt is not counted
 * (a guesser cannot keep renewing a lock). An admitted one is checked at `checkAt`.
 */
export async function admitSignIn(db: Db, who: Attempter, now: Date): Promise<SignInVerdict> {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString();
  return db.write(async (tx) => {
    await forgetAttemptsBefore(tx, since);
    if (who.device) {
      const key = { account: who.account, address: `${DEVICE}${who.device}` };
      if (deviceAdmits(await attemptTimes(tx, key, since), now)) {
        await insertAttempt(tx, key, now);
        return { admitted: true, checkAt: now };
      }
    }
    const verdict = judgeSignIn(
      {
        pair: await attemptTimes(tx, { account: who.account, address: who.address }, since),
        address: await attemptTimes(tx, { address: who.address }, since),
        account: await attemptTimes(tx, { account: who.account, excludeDevices: true }, since),
      },
      now,
    );
    if (!verdict.admitted) return verdict;
    await insertAttempt(tx, who, verdict.checkAt);
    return verdict;
  });
}

/**
 * The right password: this pair's attempts, and this browser's, stop counting (the owner's own
 * typos are forgiven). Other addresses' attempts on the account still count: they are someone else's.
 */
export async function signInSucceeded(db: Executor, who: Attempter): Promise<void> {
  await forgetAttempts(db, { account: who.account, address: who.address });
  if (who.device) await forgetAttempts(db, { account: who.account, address: `${DEVICE}${who.device}` });
}

/** Waits until an admitted attempt's turn (now, unless its account is being slowed down). */
export async function waitForTurn(admission: { checkAt: Date }, now: Date): Promise<void> {
  const wait = admission.checkAt.getTime() - now.getTime();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** "Try again in N min." for a refused attempt. */
export const retryMinutes = (retryAt: Date, now: Date): number => Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000));
