/**
 * Sign-in throttling, as a pure rule: given the attempts already counted (each one failed,
 * or still being checked), whether one more may be checked, and when.
 *
 * Three budgets for a browser Herald does not know, so guessers are slowed:
 * - one account from one address: strict, a few guesses, then refused until the window passes;
 * - one address, any accounts: strict, but roomier (several people share an office);
 * - one account from anywhere: never refused outright; past a threshold each further attempt
 *   waits its turn, the turns growing further apart, so guesses from many addresses slow to
 *   a trickle.
 * An address is an IPv4 address or an IPv6 /64 (api/platform/http/client-address.ts): one
 * machine holds a whole /64.
 *
 * The last budget is shared with whoever guesses, so it would slow the owner too. A browser
 * that signed in to the account before (its device cookie, devices.ts) is judged on a budget of
 * its own instead, the same size as the strict one: guesses from elsewhere never reach it.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;

export type ThrottlePolicy = { limit: number; windowMs: number };
export type SlowdownPolicy = { after: number; windowMs: number; firstDelayMs: number; maxDelayMs: number; maxWaitMs: number };

/** One account from one address: 5 attempts in 15 minutes. */
export const PAIR_THROTTLE: ThrottlePolicy = { limit: 5, windowMs: 15 * MINUTE };
/** One address, whatever the accounts: 20 in 15 minutes. */
export const ADDRESS_THROTTLE: ThrottlePolicy = { limit: 20, windowMs: 15 * MINUTE };
/** One account from anywhere: after 10 in 15 minutes, 1 s between attempts, doubling up to 30 s. */
export const ACCOUNT_SLOWDOWN: SlowdownPolicy = { after: 10, windowMs: 15 * MINUTE, firstDelayMs: SECOND, maxDelayMs: 30 * SECOND, maxWaitMs: MINUTE };

/** One known browser on its account: 5 attempts in 15 minutes; past that it is judged as unknown. */
export const DEVICE_THROTTLE: ThrottlePolicy = { limit: 5, windowMs: 15 * MINUTE };

/** The longest window of them all: how far back attempts matter. */
export const THROTTLE_WINDOW_MS = Math.max(PAIR_THROTTLE.windowMs, ADDRESS_THROTTLE.windowMs, ACCOUNT_SLOWDOWN.windowMs, DEVICE_THROTTLE.windowMs);

/**
 * Null while attempts are allowed; otherwise the time the oldest counted attempt leaves the
 * window.
 * @example lockedUntil([five attempts in the last minute], now, PAIR_THROTTLE) // first of them + 15 min
 */
function lockedUntil(attempts: readonly Date[], now: Date, policy: ThrottlePolicy): Date | null {
  const since = now.getTime() - policy.windowMs;
  const recent = attempts
    .map((d) => d.getTime())
    .filter((t) => t > since)
    .sort((a, b) => b - a);
  if (recent.length < policy.limit) return null;
  // The limit-th most recent attempt is the one whose expiry lets the next through.
  return new Date((recent[policy.limit - 1] as number) + policy.windowMs);
}

/**
 * When an account's next attempt may be checked: now, until `after` attempts are counted in
 * the window; then one delay after the account's latest (possibly still future) turn, the
 * delay doubling with each further attempt up to `maxDelayMs`.
 * @example slowdownTurn([10 attempts, latest at 12:00:00], 12:00:00, ACCOUNT_SLOWDOWN) // 12:00:01
 */
export function slowdownTurn(attempts: readonly Date[], now: Date, policy: SlowdownPolicy): Date {
  const since = now.getTime() - policy.windowMs;
  const recent = attempts.map((d) => d.getTime()).filter((t) => t > since);
  const over = recent.length - policy.after;
  if (over < 0) return now;
  const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** over);
  return new Date(Math.max(now.getTime(), Math.max(...recent) + delay));
}

/** The attempts counted so far (failed or in progress), by budget. */
export type AttemptHistory = { pair: readonly Date[]; address: readonly Date[]; account: readonly Date[] };

export type SignInVerdict = { admitted: true; checkAt: Date } | { admitted: false; retryAt: Date };

/**
 * Whether one more sign-in attempt may be checked, and when. Refused while the pair or the
 * address is over its limit, or when the account's turn is more than `maxWaitMs` away (a
 * flood; nobody is kept waiting that long on an open connection).
 *
 * @example judgeSignIn({ pair: [], address: [], account: [] }, now) // { admitted: true, checkAt: now }
 */
export function judgeSignIn(history: AttemptHistory, now: Date): SignInVerdict {
  const locks = [lockedUntil(history.pair, now, PAIR_THROTTLE), lockedUntil(history.address, now, ADDRESS_THROTTLE)].filter((d): d is Date => d !== null);
  if (locks.length > 0) return { admitted: false, retryAt: new Date(Math.max(...locks.map((d) => d.getTime()))) };
  const turn = slowdownTurn(history.account, now, ACCOUNT_SLOWDOWN);
  if (turn.getTime() - now.getTime() > ACCOUNT_SLOWDOWN.maxWaitMs) return { admitted: false, retryAt: new Date(turn.getTime() - ACCOUNT_SLOWDOWN.maxWaitMs) };
  return { admitted: true, checkAt: turn };
}

/**
 * Whether a known browser's attempt on its account is checked at once, on its own budget: yes
 * until it has used DEVICE_THROTTLE; then no, and it is judged as any unknown browser is
 * (a stolen cookie buys a few guesses, not a way around the other budgets).
 * @example deviceAdmits([], now) // true
 */
export function deviceAdmits(attempts: readonly Date[], now: Date): boolean {
  return lockedUntil(attempts, now, DEVICE_THROTTLE) === null;
}
