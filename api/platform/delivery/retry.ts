/**
 * Pure delivery rules: how long to wait before the next attempt, when to give up, and what a
 * transport error means. No clock inside: `now` and the first-queued time are passed in.
 */

/** The limit: a notice is retried for up to 72 hours after it was queued. */
export const GIVE_UP_AFTER_MS = 72 * 60 * 60 * 1000;
const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = 60 * 60 * 1000;

/**
 * When to try again after `attempts` failed attempts (1 = the first failed): 30 s doubling
 * each time, at most an hour apart; null once that would fall past the 72 h limit.
 *
 * @example nextAttemptAt(1, queuedAt, now) // now + 30 s
 * @example nextAttemptAt(3, queuedAt, now) // now + 2 min
 */
export function nextAttemptAt(attempts: number, queuedAt: Date, now: Date): Date | null {
  const delay = Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS);
  const at = new Date(now.getTime() + delay);
  return at.getTime() - queuedAt.getTime() > GIVE_UP_AFTER_MS ? null : at;
}

export type Verdict = 'retry' | 'hard';

/**
 * What a failed send means. SMTP 5xx is permanent (RFC 5321 §4.2.1): give up and stop
 * mailing the address. 4xx, timeouts and connection errors are transient: retry.
 * For HTTP (webhooks, Slack): 4xx other than 408/429 is permanent for that notice.
 *
 * @example classifySmtpError({ responseCode: 550 }) // 'hard'
 * @example classifySmtpError({ code: 'ECONNECTION' }) // 'retry'
 */
export function classifySmtpError(error: { responseCode?: number | undefined }): Verdict {
  const code = error.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600 ? 'hard' : 'retry';
}

/** An HTTP answer to a webhook or Slack post: 2xx is sent; 408, 429 and 5xx are retried; other 4xx give up. */
export function classifyHttpStatus(status: number): 'sent' | Verdict {
  if (status >= 200 && status < 300) return 'sent';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return status >= 300 && status < 400 ? 'retry' : 'hard';
}
