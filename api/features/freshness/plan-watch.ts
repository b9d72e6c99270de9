/**
 * The plan's own watch, run inside each freshness watchdog pass, with the watchdog's
 * recorded-before-sent discipline (claimed once per incident and kind/level, so neither a
 * restart nor a second process repeats a notice; each delivery an outbox row, retried like
 * every other):
 * - a P0/P1 postmortem not completed 48 hours after resolution is notified once — to the comms
 *   leads, the commander and the freshness webhook, as a missed update is — and skipped if
 *   completed meanwhile;
 * - each escalation level (content/escalation.json) is notified once when its trigger fires —
 *   by email, its webhook and PagerDuty Events API v2 — and skipped if resolved meanwhile.
 */
import { findPlanNotices, loadOpenForEscalation, loadPostmortemsOutstanding, type PlanTarget } from '../plan/index.ts';
import { claimPlanNotice } from './commands.ts';
import { escalationLevelsDue, type EscalationMatrix } from './escalation.ts';
import { formatDuration } from '../../shared/duration.ts';
import { POSTMORTEM_WINDOW_MS, postmortemDueAt } from '../incidents/index.ts';
import { makeRef } from '../../shared/refs.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/client.ts';
import type { DeliveryHandler } from '../../platform/delivery/lane.ts';
import type { AttemptResult, OutboxRow } from '../../platform/delivery/outbox.ts';
import type { Log } from '../../platform/log/log.ts';
import { pageOnCall, sendNotice, type Deliverers } from './deliver.ts';
import { recipientsFor } from './recipients.ts';

type FollowUpDeps = { db: Db; site: { publicUrl: string }; deliverers: Deliverers; log: Log; clock: Clock; escalation?: EscalationMatrix | undefined };
export type FollowUpReport = {
  notices: { ref: string; kind: 'postmortem' | 'escalation'; level?: number; recipients: number }[];
  delivered: number;
  failed: number;
};

const hhmm = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** What an escalation notice says. Pure. */
function composeEscalationNotice(s: {
  ref: string;
  title: string;
  severity: string;
  commander: string | null;
  level: number;
  levelName: string;
  responseMinutes: number;
  unresolvedMs: number;
  deskUrl: string;
}) {
  const subject = `[Herald] Escalation to level ${s.level} (${s.levelName}): ${s.ref} (${s.severity}) unresolved ${formatDuration(s.unresolvedMs)}`;
  const text = [
    `${s.ref} (${s.severity}) ${s.title} has reached escalation level ${s.level}, ${s.levelName}: unresolved for ${formatDuration(s.unresolvedMs)}.`,
    `The plan asks level ${s.level} to respond ${s.responseMinutes === 0 ? 'immediately' : `within ${s.responseMinutes} minutes`}. Incident commander: ${s.commander ?? 'not set'}.`,
    ``,
    `The incident: ${s.deskUrl}`,
  ].join('\n');
  return {
    subject,
    text,
    webhook: {
      text: `:rotating_light: ${subject.replace('[Herald] ', '')}\n<${s.deskUrl}|Open the incident>`,
      herald: { kind: 'escalation', level: s.level, incident: s.ref, detail: text },
    },
  };
}

/** What the overdue-postmortem notice says. Pure. */
function composePostmortemNotice(s: { ref: string; title: string; severity: string; commander: string | null; dueAt: string; deskUrl: string }) {
  const subject = `[Herald] Postmortem overdue: ${s.ref} (${s.severity}) was due by ${hhmm(s.dueAt)}`;
  const text = [
    `${s.ref} (${s.severity}) ${s.title}: its postmortem was due by ${hhmm(s.dueAt)}, 48 hours after resolution, and is not recorded as complete.`,
    `The plan asks for every P0/P1 postmortem within 48 hours. Incident commander: ${s.commander ?? 'not set'}.`,
    ``,
    `Record it: ${s.deskUrl}`,
  ].join('\n');
  return {
    subject,
    text,
    webhook: {
      text: `:memo: ${subject.replace('[Herald] ', '')}\n<${s.deskUrl}|Record the postmortem>`,
      herald: { kind: 'postmortem', incident: s.ref, dueAt: s.dueAt, detail: text },
    },
  };
}

/** Claims, at `now`, the plan notices now owed; their deliveries wait in the outbox. */
export async function claimFollowUps(deps: FollowUpDeps, now: Date): Promise<FollowUpReport['notices']> {
  const notices: FollowUpReport['notices'] = [];
  for (const o of await loadPostmortemsOutstanding(deps.db, new Date(now.getTime() - POSTMORTEM_WINDOW_MS))) {
    const targets = await recipientsFor(deps.db, { kind: 'escalation', seq: 1 }, o.commander, deps.deliverers.webhookUrl);
    const ref = makeRef('incident', o.id);
    if (targets.length === 0)
      deps.log.warn(`[Postmortem] ${ref}: its postmortem is overdue but nobody would hear it; add a comms user (npm run user) or set FRESHNESS_WEBHOOK_URL.`);
    if ((await claimPlanNotice(deps.db, o.id, 'postmortem', 0, targets, now)) !== null) notices.push({ ref, kind: 'postmortem', recipients: targets.length });
  }
  const matrix = deps.escalation;
  for (const o of matrix ? await loadOpenForEscalation(deps.db) : []) {
    for (const level of escalationLevelsDue({ ...o, resolvedAt: null }, now, matrix!)) {
      const who = matrix!.levels[level - 1]!;
      const targets: PlanTarget[] = [
        ...who.emails.map((target) => ({ channel: 'email' as const, target: target.toLowerCase() })),
        ...(who.webhookUrl ? [{ channel: 'webhook' as const, target: who.webhookUrl }] : []),
        ...(who.pagerdutyRoutingKey ? [{ channel: 'pagerduty' as const, target: who.pagerdutyRoutingKey }] : []),
      ];
      const ref = makeRef('incident', o.id);
      if ((await claimPlanNotice(deps.db, o.id, 'escalation', level, targets, now)) === null) continue;
      notices.push({ ref, kind: 'escalation', level, recipients: targets.length });
      deps.log.warn(
        `[Escalation] ${ref} (${o.severity}) reached level ${level} (${who.name}).${targets.length === 0 ? ' Nobody is configured for it in content/escalation.json.' : ''}`,
      );
    }
  }
  return notices;
}

/**
 * Delivers the plan's notices (outbox kinds `plan-postmortem` and `plan-escalation`). A notice
 * whose reason is gone by the time it is sent — the postmortem completed, the incident
 * resolved, the level no longer in the matrix — is cancelled: nothing to chase any more.
 */
export function planNoticeHandler(deps: FollowUpDeps): DeliveryHandler {
  const domain = new URL(deps.site.publicUrl).hostname || 'herald.local';
  const now = () => deps.clock.now();
  const deskUrl = (ref: string) => `${deps.site.publicUrl}/admin/incidents/${ref}`;
  const cancelled = (row: OutboxRow, detail: string): AttemptResult => ({ id: row.id, outcome: 'cancelled', detail });
  return {
    async attempt(rows) {
      const notices = await findPlanNotices(
        deps.db,
        rows.map((r) => r.noticeId ?? 0),
      );
      const outstanding = new Map((await loadPostmortemsOutstanding(deps.db, new Date(now().getTime() - POSTMORTEM_WINDOW_MS))).map((o) => [o.id, o]));
      const open = new Map((await loadOpenForEscalation(deps.db)).map((o) => [o.id, o]));
      return Promise.all(
        rows.map(async (row): Promise<AttemptResult> => {
          const notice = notices.get(row.noticeId ?? 0);
          if (!notice) return cancelled(row, 'the notice no longer exists');
          const ref = makeRef('incident', notice.incidentId);
          if (notice.kind === 'postmortem') {
            const o = outstanding.get(notice.incidentId);
            if (!o) return cancelled(row, 'the postmortem is complete, or the incident reopened');
            if (row.channel === 'pagerduty') return cancelled(row, 'PagerDuty is paged for escalation levels only');
            const message = composePostmortemNotice({
              ref,
              title: o.title,
              severity: o.severity,
              commander: o.commander,
              dueAt: postmortemDueAt(o.severity, o.resolvedAt) as string,
              deskUrl: deskUrl(ref),
            });
            return sendNotice(deps.deliverers, row, { ...message, noticeId: notice.id }, `postmortem.${domain}`, now);
          }
          const o = open.get(notice.incidentId);
          const who = deps.escalation?.levels[notice.level - 1];
          if (!o || !who) return cancelled(row, 'the incident is resolved, or the level is no longer in content/escalation.json');
          const message = composeEscalationNotice({
            ref,
            title: o.title,
            severity: o.severity,
            commander: o.commander,
            level: who.level,
            levelName: who.name,
            responseMinutes: who.responseMinutes,
            unresolvedMs: Date.parse(notice.createdAt) - Date.parse(o.detectedAt),
            deskUrl: deskUrl(ref),
          });
          if (row.channel === 'pagerduty') {
            return pageOnCall(
              deps.deliverers,
              row,
              { dedupKey: `herald-${ref}-level-${who.level}`, summary: message.subject.replace('[Herald] ', ''), severity: o.severity, deskUrl: deskUrl(ref) },
              now,
            );
          }
          return sendNotice(deps.deliverers, row, { ...message, noticeId: notice.id }, `escalation.${domain}`, now);
        }),
      );
    },
  };
}
