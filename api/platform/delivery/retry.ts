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

/** What nodemailer tells of a failed send: the SMTP reply code, its error code and the command it answered. */
export type SmtpError = { responseCode?: number | undefined; code?: string | undefined; command?: string | undefined };

/**
 * What a failed send means for the row and for the address.
 * - `hard`: the relay refused this recipient for good — a 5xx to RCPT TO (RFC 5321 §4.2.1,
 *   §3.3): stop mailing the address.
 * - `retry`: a 4xx to RCPT TO, the recipient's mailbox is busy or greylisted: try again later.
 * - `relay`: anything else — the relay refused Herald's credentials (AUTH) or sender (MAIL
 *   FROM) or the message (DATA), or could not be reached. That says nothing about the
 *   recipient: every mail would fail alike, so it is retried, never held against the address.
 *
 * @example classifySmtpError({ responseCode: 550, command: 'RCPT TO' }) // 'hard'
 * @example classifySmtpError({ responseCode: 535, command: 'AUTH PLAIN', code: 'EAUTH' }) // 'relay'
 * @example classifySmtpError({ responseCode: 550, command: 'MAIL FROM' }) // 'relay'
 * @example classifySmtpError({ code: 'ECONNECTION' }) // 'relay'
 */
export function classifySmtpError(error: SmtpError): Verdict | 'relay' {
  if (error.command !== 'RCPT TO' || typeof error.responseCode !== 'number') return 'relay';
  return error.responseCode >= 500 && error.responseCode < 600 ? 'hard' : 'retry';
}

/**
 * Which part of the relay failed, for the metric and the log: `auth` (credentials), `sender`
 * (MAIL FROM), `message` (DATA), `connection` (unreachable, dropped, timed out) or `other`.
 * @example relayFailureReason({ code: 'EAUTH', command: 'AUTH PLAIN' }) // 'auth'
 * @example relayFailureReason({ code: 'ECONNECTION', command: 'CONN' }) // 'connection'
 */
export function relayFailureReason(error: SmtpError): 'auth' | 'sender' | 'message' | 'connection' | 'other' {
  const command = error.command ?? '';
  if (error.code === 'EAUTH' || command.startsWith('AUTH')) return 'auth';
  if (command === 'MAIL FROM') return 'sender';
  if (command === 'DATA' || error.code === 'EMESSAGE') return 'message';
  if (['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'ETLS'].includes(error.code ?? '') || command === 'CONN')
    return 'connection';
  return 'other';
}

/** An HTTP answer to a webhook or Slack post: 2xx is sent; 408, 429 and 5xx are retried; other 4xx give up. */
export function classifyHttpStatus(status: number): 'sent' | Verdict {
  if (status >= 200 && status < 300) return 'sent';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return status >= 300 && status < 400 ? 'retry' : 'hard';
}
