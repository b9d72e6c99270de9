import { createHash } from 'node:crypto';
import type { Mailer } from '../../platform/delivery/mailer.ts';

export type Deliverers = {
  mailer: Mailer | null;
  webhookUrl: string | null;
  fetch?: typeof fetch;
  /** PagerDuty's Events API v2 endpoint; its public one unless a test points elsewhere. */
  pagerdutyUrl?: string;
};

export type Outgoing = { subject: string; text: string; webhook: unknown; noticeId: number };

/**
 * Sends one delivery. Throws on failure (the watchdog retries it on a later tick). The
 * Message-ID is stable per (notice, recipient), so a resend after a crash is recognisably
 * the same mail.
 */
export async function deliver(d: Deliverers, channel: 'email' | 'webhook', target: string, out: Outgoing, domain: string): Promise<void> {
  if (channel === 'email') {
    if (!d.mailer) throw new Error('[Freshness] No mailer configured; set SMTP_URL.');
    const tag = createHash('sha256').update(target).digest('hex').slice(0, 12);
    await d.mailer.send({
      to: target,
      subject: out.subject,
      text: out.text,
      messageId: `<freshness-${out.noticeId}-${tag}@${domain}>`,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Herald-Notice': 'freshness' },
    });
    return;
  }
  const response = await (d.fetch ?? fetch)(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(out.webhook),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`[Freshness] The webhook answered ${response.status}.`);
}
