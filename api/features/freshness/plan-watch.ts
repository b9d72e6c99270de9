/**
 * The plan's own watch, run inside each freshness watchdog pass, with the watchdog's
 * recorded-before-sent discipline (claimed once per incident and kind/level, so neither a
 * restart nor a second process repeats a notice; each delivery leased, retried, then given up):
 * - a P0/P1 postmortem not completed 48 hours after resolution is notified once — to the comms
 *   leads, the commander and the freshness webhook, as a missed update is — and skipped if
 *   completed meanwhile;
 * - each escalation level (content/escalation.json) is notified once when its trigger fires —
 *   by email, its webhook and PagerDuty Events API v2 — and skipped if resolved meanwhile.
 */
import { finishPlanDelivery, claimPlanNotice, leasePlanDelivery, pendingPlanDeliveries } from '../plan/index.ts';
import { loadOpenForEscalation, loadPostmortemsOutstanding } from '../plan/index.ts';
import { escalationLevelsDue, type EscalationMatrix } from './escalation.ts';
import { formatDuration } from '../../shared/duration.ts';
import type { PlanTarget } from '../plan/index.ts';
import { POSTMORTEM_WINDOW_MS, postmortemDueAt } from '../incidents/index.ts';
import { makeRef } from '../../shared/refs.ts';
import type { Db } from '../../platform/db/client.ts';
import type { Log } from '../../platform/log/log.ts';
import { deliver, type Deliverers } from './deliver.ts';
import { recipientsFor } from './recipients.ts';

type FollowUpDeps = { db: Db; site: { publicUrl: string }; deliverers: Deliverers; log: Log; now(): Date; escalation?: EscalationMatrix | undefined };
export type FollowUpReport = { notices: { ref: string; kind: 'postmortem' | 'escalation'; level?: number; recipients: number }[]; delivered: number; failed: number };

/** PagerDuty Events API v2 (developer.pagerduty.com, "Send an Alert Event"). */
const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** What an escalation notice says. Pure. */
function composeEscalationNotice(s: { ref: string; title: string; severity: string; commander: string | null; level: number; levelName: string; responseMinutes: number; unresolvedMs: number; deskUrl: string }) {
  const subject = `[Herald] Escalation to level ${s.level} (${s.levelName}): ${s.ref} (${s.severity}) unresolved ${formatDuration(s.unresolvedMs)}`;
  const text = [
    `${s.ref} (${s.severity}) ${s.title} has reached escalation level ${s.level}, ${s.levelName}: unresolved for ${formatDuration(s.unresolvedMs)}.`,
    `The plan asks level ${s.level} to respond ${s.responseMinutes === 0 ? 'immediately' : `within ${s.responseMinutes} minutes`}. Incident commander: ${s.commander ?? 'not set'}.`,
    ``,
    `The incident: ${s.deskUrl}`,
  ].join('\n');
  return { subject, text, webhook: { text: `:rotating_light: ${subject.replace('[Herald] ', '')}\n<${s.deskUrl}|Open the incident>`, herald: { kind: 'escalation', level: s.level, incident: s.ref, detail: text } } };
}

/** Triggers a PagerDuty incident; the dedup key makes a resend after a crash the same alert. */
async function sendPagerDuty(d: Deliverers, routingKey: string, dedupKey: string, summary: string, severity: string, deskUrl: string): Promise<void> {
  const response = await (d.fetch ?? fetch)(d.pagerdutyUrl ?? PAGERDUTY_EVENTS_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: { summary: summary.slice(0, 1024), source: 'herald', severity: severity === 'P0' ? 'critical' : severity === 'P1' ? 'error' : 'warning' },
      links: [{ href: deskUrl, text: 'Incident on the Herald desk' }],
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`[Escalation] PagerDuty answered ${response.status}.`);
}

const MAX_ATTEMPTS = 5;
const LEASE_MS = 60_000;
const hhmm = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** What the overdue-postmortem notice says. Pure. */
function composePostmortemNotice(s: { ref: string; title: string; severity: string; commander: string | null; dueAt: string; deskUrl: string }) {
  const subject = `[Herald] Postmortem overdue: ${s.ref} (${s.severity}) was due by ${hhmm(s.dueAt)}`;
  const text = [
    `${s.ref} (${s.severity}) ${s.title}: its postmortem was due by ${hhmm(s.dueAt)}, 48 hours after resolution, and is not recorded as complete.`,
    `The plan asks for every P0/P1 postmortem within 48 hours. Incident commander: ${s.commander ?? 'not set'}.`,
    ``,
    `Record it: ${s.deskUrl}`,
  ].join('\n');
  return { subject, text, webhook: { text: `:memo: ${subject.replace('[Herald] ', '')}\n<${s.deskUrl}|Record the postmortem>`, herald: { kind: 'postmortem', incident: s.ref, dueAt: s.dueAt, detail: text } } };
}

/** One pass at `now`: claims the notices now owed, then delivers what is pending. */
export async function followUpPass(deps: FollowUpDeps, now: Date): Promise<FollowUpReport> {
  const report: FollowUpReport = { notices: [], delivered: 0, failed: 0 };
  const outstanding = await loadPostmortemsOutstanding(deps.db, new Date(now.getTime() - POSTMORTEM_WINDOW_MS));
  const byId = new Map(outstanding.map((o) => [o.id, o]));
  for (const o of outstanding) {
    const targets = await recipientsFor(deps.db, { kind: 'escalation', seq: 1 }, o.commander, deps.deliverers.webhookUrl);
    const ref = makeRef('incident', o.id);
    if (targets.length === 0) deps.log.warn(`[Postmortem] ${ref}: its postmortem is overdue but nobody would hear it; add a comms user (npm run user) or set FRESHNESS_WEBHOOK_URL.`);
    if ((await claimPlanNotice(deps.db, o.id, 'postmortem', 0, targets, now)) !== null) report.notices.push({ ref, kind: 'postmortem', recipients: targets.length });
  }
  const open = deps.escalation ? await loadOpenForEscalation(deps.db) : [];
  const openById = new Map(open.map((o) => [o.id, o]));
  for (const o of open) {
    for (const level of escalationLevelsDue({ ...o, resolvedAt: null }, now, deps.escalation!)) {
      const who = deps.escalation!.levels[level - 1]!;
      const targets: PlanTarget[] = [
        ...who.emails.map((target) => ({ channel: 'email' as const, target: target.toLowerCase() })),
        ...(who.webhookUrl ? [{ channel: 'webhook' as const, target: who.webhookUrl }] : []),
        ...(who.pagerdutyRoutingKey ? [{ channel: 'pagerduty' as const, target: who.pagerdutyRoutingKey }] : []),
      ];
      const ref = makeRef('incident', o.id);
      const claimed = await claimPlanNotice(deps.db, o.id, 'escalation', level, targets, now);
      if (claimed === null) continue;
      report.notices.push({ ref, kind: 'escalation', level, recipients: targets.length });
      deps.log.warn(`[Escalation] ${ref} (${o.severity}) reached level ${level} (${who.name}).${targets.length === 0 ? ' Nobody is configured for it in content/escalation.json.' : ''}`);
    }
  }
  const domain = new URL(deps.site.publicUrl).hostname || 'herald.local';
  for (const p of await pendingPlanDeliveries(deps.db, now)) {
    if (p.notice.kind === 'escalation') {
      await deliverEscalation(deps, p, openById.get(p.notice.incidentId), now, domain, report);
      continue;
    }
    if (p.channel === 'pagerduty') continue;
    const o = byId.get(p.notice.incidentId);
    // Completed (or reopened) since the notice was recorded: nothing to chase any more.
    if (!o) {
      await finishPlanDelivery(deps.db, p.id, { skipped: true });
      continue;
    }
    if (!(await leasePlanDelivery(deps.db, p.id, now, LEASE_MS))) continue;
    const ref = makeRef('incident', o.id);
    const message = composePostmortemNotice({ ref, title: o.title, severity: o.severity, commander: o.commander, dueAt: postmortemDueAt(o.severity, o.resolvedAt) as string, deskUrl: `${deps.site.publicUrl}/admin/incidents/${ref}` });
    const channel = p.channel;
    await sendRecorded(deps, p, report, `[Postmortem] Notice for ${ref}`, () =>
      deliver(deps.deliverers, channel, p.target, { ...message, noticeId: p.notice.id }, `postmortem.${domain}`),
    );
  }
  return report;
}

async function deliverEscalation(
  deps: FollowUpDeps,
  p: Awaited<ReturnType<typeof pendingPlanDeliveries>>[number],
  o: { id: number; title: string; severity: string; detectedAt: string; commander: string | null } | undefined,
  now: Date,
  domain: string,
  report: FollowUpReport,
) {
  const who = deps.escalation?.levels[p.notice.level - 1];
  // Resolved since (or the matrix no longer has the level): nobody needs paging now.
  if (!o || !who) return finishPlanDelivery(deps.db, p.id, { skipped: true });
  if (!(await leasePlanDelivery(deps.db, p.id, now, LEASE_MS))) return;
  const ref = makeRef('incident', o.id);
  const deskUrl = `${deps.site.publicUrl}/admin/incidents/${ref}`;
  const message = composeEscalationNotice({ ref, title: o.title, severity: o.severity, commander: o.commander, level: who.level, levelName: who.name, responseMinutes: who.responseMinutes, unresolvedMs: Date.parse(p.notice.createdAt) - Date.parse(o.detectedAt), deskUrl });
  await sendRecorded(deps, p, report, `[Escalation] Level ${who.level} for ${ref}`, () =>
    p.channel === 'pagerduty'
      ? sendPagerDuty(deps.deliverers, p.target, `herald-${ref}-level-${who.level}`, message.subject.replace('[Herald] ', ''), o.severity, deskUrl)
      : deliver(deps.deliverers, p.channel, p.target, { ...message, noticeId: p.notice.id }, `escalation.${domain}`),
  );
}

/** Sends one leased delivery and records how it went: sent, to retry, or given up after MAX_ATTEMPTS. */
async function sendRecorded(
  deps: FollowUpDeps,
  p: Awaited<ReturnType<typeof pendingPlanDeliveries>>[number],
  report: FollowUpReport,
  what: string,
  send: () => Promise<unknown>,
): Promise<void> {
  try {
    await send();
    await finishPlanDelivery(deps.db, p.id, { sentAt: deps.now() });
    report.delivered += 1;
  } catch (error) {
    const giveUp = p.attempts + 1 >= MAX_ATTEMPTS;
    await finishPlanDelivery(deps.db, p.id, { error: (error as Error).message, giveUp });
    report.failed += 1;
    deps.log.error(`${what} to ${p.channel} failed${giveUp ? ', giving up' : ', will retry'}: ${(error as Error).message}`);
  }
}
