/**
 * The postmortem's watch, run inside each freshness watchdog pass: a P0/P1 postmortem not
 * completed 48 hours after resolution is notified once — to the comms leads, the incident's
 * commander and the freshness webhook, as a missed update is — recorded before it is sent, so
 * neither a restart nor a second process repeats it, and skipped if completed meanwhile.
 */
import { finishPlanDelivery, claimPlanNotice, leasePlanDelivery, pendingPlanDeliveries } from '../db/plan-notices.ts';
import { loadPostmortemsOutstanding } from '../db/plan.ts';
import { POSTMORTEM_WINDOW_MS, postmortemDueAt } from '../domain/incident.ts';
import { makeRef } from '../domain/refs.ts';
import type { Db } from '../db/client.ts';
import type { Log } from '../log.ts';
import { deliver, type Deliverers } from './deliver.ts';
import { recipientsFor } from './recipients.ts';

export type FollowUpDeps = { db: Db; site: { publicUrl: string }; deliverers: Deliverers; log: Log; now(): Date };
export type FollowUpReport = { notices: { ref: string; kind: 'postmortem'; recipients: number }[]; delivered: number; failed: number };

const MAX_ATTEMPTS = 5;
const LEASE_MS = 60_000;
const hhmm = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** What the overdue-postmortem notice says. Pure. */
export function composePostmortemNotice(s: { ref: string; title: string; severity: string; commander: string | null; dueAt: string; deskUrl: string }) {
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
  const domain = new URL(deps.site.publicUrl).hostname || 'herald.local';
  for (const p of await pendingPlanDeliveries(deps.db, now)) {
    if (p.notice.kind !== 'postmortem' || p.channel === 'pagerduty') continue;
    const o = byId.get(p.notice.incidentId);
    // Completed (or reopened) since the notice was recorded: nothing to chase any more.
    if (!o) {
      await finishPlanDelivery(deps.db, p.id, { skipped: true });
      continue;
    }
    if (!(await leasePlanDelivery(deps.db, p.id, now, LEASE_MS))) continue;
    const ref = makeRef('incident', o.id);
    const message = composePostmortemNotice({ ref, title: o.title, severity: o.severity, commander: o.commander, dueAt: postmortemDueAt(o.severity, o.resolvedAt) as string, deskUrl: `${deps.site.publicUrl}/admin/incidents/${ref}` });
    try {
      await deliver(deps.deliverers, p.channel, p.target, { ...message, noticeId: p.notice.id }, `postmortem.${domain}`);
      await finishPlanDelivery(deps.db, p.id, { sentAt: deps.now() });
      report.delivered += 1;
    } catch (error) {
      const giveUp = p.attempts + 1 >= MAX_ATTEMPTS;
      await finishPlanDelivery(deps.db, p.id, { error: (error as Error).message, giveUp });
      report.failed += 1;
      deps.log.error(`[Postmortem] Notice for ${ref} to ${p.channel} failed${giveUp ? ', giving up' : ', will retry'}: ${(error as Error).message}`);
    }
  }
  return report;
}
