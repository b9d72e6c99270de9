/**
 * One attempt at one row, over the two transports every handler shares — the pooled mail relay
 * and the guarded HTTP poster — ending in the row's result by the one retry policy
 * (api/platform/delivery/retry.ts). Handlers compose what to send; these send it and judge
 * the answer, so a reminder, an escalation and a subscriber's notice fail and retry alike.
 */
import { guardedPost, type PostOptions } from './http-post.ts';
import type { Mailer, MailMessage } from './mailer.ts';
import type { AttemptResult, ChannelFault, OutboxRow } from './outbox.ts';
import { classifyHttpStatus, classifySmtpError, nextAttemptAt, relayFailureReason, type SmtpError } from './retry.ts';
import { ForbiddenTargetError } from './ssrf.ts';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A failed attempt: a retry with backoff until the 72 h limit, then a failure. Pure.
 * @example retryLater(row, 'HTTP 503', now) // { outcome: 'retry', retryAt: now + 30 s, … } on its first failure
 */
export function retryLater(row: Pick<OutboxRow, 'id' | 'attempts' | 'createdAt'>, detail: string, now: Date, channelFault?: ChannelFault): AttemptResult {
  const fault = channelFault ? { channelFault } : {};
  const retryAt = nextAttemptAt(row.attempts + 1, new Date(row.createdAt), now);
  if (retryAt) return { id: row.id, outcome: 'retry', detail, retryAt, ...fault };
  return { id: row.id, outcome: 'failed', detail: `gave up after 72 h: ${detail}`, ...fault };
}

/** A failure by verdict: `hard` fails at once, `retry` waits its turn (`retryLater`). Pure. */
export function failedAttempt(row: Pick<OutboxRow, 'id' | 'attempts' | 'createdAt'>, verdict: 'retry' | 'hard', detail: string, now: Date): AttemptResult {
  return verdict === 'retry' ? retryLater(row, detail, now) : { id: row.id, outcome: 'failed', detail };
}

/**
 * Sends one mail and judges the relay's answer (`classifySmtpError`): a recipient refused for
 * good fails `bounced`; a relay that refuses Herald's credentials, sender or message, or
 * cannot be reached, is a fault of the mail channel — retried, never the recipient's fault.
 */
export async function sendMail(mailer: Mailer, row: OutboxRow, message: MailMessage, now: () => Date): Promise<AttemptResult> {
  let info: Awaited<ReturnType<Mailer['send']>>;
  try {
    info = await mailer.send(message);
  } catch (error) {
    const e = (error ?? {}) as SmtpError;
    const detail = `${e.responseCode ?? e.code ?? 'error'}: ${messageOf(error)}`;
    const verdict = classifySmtpError(e);
    if (verdict === 'hard') return { id: row.id, outcome: 'failed', detail, bounced: true };
    if (verdict === 'retry') return retryLater(row, detail, now());
    return retryLater(row, detail, now(), { reason: relayFailureReason(e) });
  }
  return info.accepted ? { id: row.id, outcome: 'sent', detail: info.response } : retryLater(row, `not accepted: ${info.response}`, now());
}

/**
 * POSTs a JSON body through the guarded poster and judges the answer (`classifyHttpStatus`):
 * 2xx is sent; 408, 429, 5xx and network errors are retried; other 4xx and a forbidden target
 * (it stays forbidden) fail at once.
 */
export async function postJson(
  row: OutboxRow,
  url: string,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
  now: () => Date,
): Promise<AttemptResult> {
  try {
    const { status } = await guardedPost(url, body, headers, options);
    const verdict = classifyHttpStatus(status);
    return verdict === 'sent' ? { id: row.id, outcome: 'sent', detail: `HTTP ${status}` } : failedAttempt(row, verdict, `HTTP ${status}`, now());
  } catch (error) {
    return failedAttempt(row, error instanceof ForbiddenTargetError ? 'hard' : 'retry', messageOf(error), now());
  }
}
