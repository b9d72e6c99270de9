/**
 * Sign-in throttling, as a pure rule: given the recent failures for a key (an account or a
 * client address), until when further attempts are refused.
 */
const MINUTE = 60_000;

export type ThrottlePolicy = { limit: number; windowMs: number };

/** Per account: 5 failures in 15 minutes. Per address: 20 (several people share an office). */
export const ACCOUNT_THROTTLE: ThrottlePolicy = { limit: 5, windowMs: 15 * MINUTE };
export const IP_THROTTLE: ThrottlePolicy = { limit: 20, windowMs: 15 * MINUTE };

/**
 * Null while attempts are allowed; otherwise the time the oldest counted failure leaves the
 * window.
 * @example lockedUntil([five failures in the last minute], now, ACCOUNT_THROTTLE) // first failure + 15 min
 */
export function lockedUntil(failures: readonly Date[], now: Date, policy: ThrottlePolicy): Date | null {
  const since = now.getTime() - policy.windowMs;
  const recent = failures.map((d) => d.getTime()).filter((t) => t > since).sort((a, b) => b - a);
  if (recent.length < policy.limit) return null;
  // The limit-th most recent failure is the one whose expiry lets the next attempt through.
  return new Date((recent[policy.limit - 1] as number) + policy.windowMs);
}
