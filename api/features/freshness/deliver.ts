/**
 * How a freshness or plan notice reaches one target, through the same transports and the
 * same retry policy as every outbox row (api/platform/delivery/attempts.ts): mail through the
 * one pooled relay, webhooks and PagerDuty through the one guarded poster.
 */
import { createHash } from 'node:crypto';
import { postJson, retryLater, sendMail } from '../../platform/delivery/attempts.ts';
import type { Mailer } from '../../platform/delivery/mailer.ts';
import type { AttemptResult, OutboxRow } from '../../platform/delivery/outbox.ts';

export type Deliverers = {
  mailer: Mailer | null;
  webhookUrl: string | null;
  /** PagerDuty's Events API v2 endpoint; its public one unless a test points elsewhere. */
  pagerdutyUrl?: string;
  /** WEBHOOK_ALLOW_LOCAL: whether a redirect may lead to a loopback or private address. */
  allowLocal?: boolean;
};

/** PagerDuty Events API v2 (developer.pagerduty.com, "Send an Alert Event"). */
const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export type Outgoing = { subject: string; text: string; webhook: unknown; noticeId: number };

/**
 * Sends one notice to the row's target: a mail to an address, or the webhook body to a URL.
 * The Message-ID is stable per (notice, recipient), so a resend after a crash is recognisably
 * the same mail. The webhook URL is the operator's own (FRESHNESS_WEBHOOK_URL or
 * content/escalation.json), reached as configured; where it redirects is checked.
 */
export async function sendNotice(d: Deliverers, row: OutboxRow, out: Outgoing, domain: string, now: () => Date): Promise<AttemptResult> {
  const target = row.target ?? '';
  if (row.channel === 'mail') {
    if (!d.mailer) return retryLater(row, '[Freshness] No mailer configured; set SMTP_URL.', now());
    const tag = createHash('sha256').update(target).digest('hex').slice(0, 12);
    return sendMail(
      d.mailer,
      row,
      {
        to: target,
        subject: out.subject,
        text: out.text,
        messageId: `<freshness-${out.noticeId}-${tag}@${domain}>`,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Herald-Notice': 'freshness' },
      },
      now,
    );
  }
  if (row.channel === 'webhook')
    return postJson(row, target, JSON.stringify(out.webhook), {}, { allowLocal: d.allowLocal ?? false, configuredTarget: true }, now);
  return { id: row.id, outcome: 'cancelled', detail: `[Freshness] A ${row.kind} notice is not sent by ${row.channel}.` };
}

/** Triggers a PagerDuty incident; the dedup key makes a resend after a crash the same alert. */
export function pageOnCall(
  d: Deliverers,
  row: OutboxRow,
  alert: { dedupKey: string; summary: string; severity: string; deskUrl: string },
  now: () => Date,
): Promise<AttemptResult> {
  const body = JSON.stringify({
    routing_key: row.target,
    event_action: 'trigger',
    dedup_key: alert.dedupKey,
    payload: {
      summary: alert.summary.slice(0, 1024),
      source: 'herald',
      severity: alert.severity === 'P0' ? 'critical' : alert.severity === 'P1' ? 'error' : 'warning',
    },
    links: [{ href: alert.deskUrl, text: 'Incident on the Herald desk' }],
  });
  return postJson(row, d.pagerdutyUrl ?? PAGERDUTY_EVENTS_URL, body, {}, { allowLocal: d.allowLocal ?? false, configuredTarget: true }, now);
}
