/**
 * The freshness watchdog: every few seconds (≤ 30), it looks at every open incident's
 * deadline, flags the overdue ones (and republishes their pages), and sends the reminder and
 * escalations the pure rule says are owed — each recorded before it is sent, so a restart
 * neither loses nor repeats one.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/client.ts';
import type { EscalationMatrix } from './escalation.ts';
import { noticeDue, type EscalationPolicy, type Notice } from './rules.ts';
import type { Log } from '../../platform/log/log.ts';
import type { Republisher } from '../../platform/commands.ts';
import { assessOpenIncidents, type Watched } from './assess.ts';
import { deliver, type Deliverers } from './deliver.ts';
import { followUpPass, type FollowUpReport } from './plan-watch.ts';
import { composeNotice, webhookBody, type NoticeSubject } from './messages.ts';
import { recipientsFor } from './recipients.ts';
import { claimNotice, clearFlag, leaseDelivery, listFlags, markFailed, markSent, pendingDeliveries, sentFor, setFlag } from './store.ts';
import { repeat } from '../../platform/jobs/repeat.ts';

export type WatchdogDeps = {
  db: Db;
  clock: Clock;
  site: { publicUrl: string; updateIntervalMinutes: number };
  policy: EscalationPolicy;
  deliverers: Deliverers;
  /** Republishes overdue incidents' pages, so they say the update is late. */
  publisher: Republisher;
  log: Log;
  /** The escalation matrix (content/escalation.json); without it no level is notified. */
  escalation?: EscalationMatrix;
};

export type TickReport = {
  flagged: string[];
  cleared: string[];
  notices: { ref: string; kind: Notice['kind']; seq: number; recipients: number }[];
  delivered: number;
  failed: number;
  /** The plan's follow-up notices (an overdue postmortem), run in the same pass. */
  followUp: FollowUpReport;
};

const MAX_ATTEMPTS = 5;
const LEASE_MS = 60_000;

export type Watchdog = {
  /** One pass; concurrent calls share the pass in flight. */
  tick(): Promise<TickReport>;
  /** Ticks now and every `intervalMs`; returns the stop function (waits for a pass in flight). */
  start(intervalMs: number): () => Promise<void>;
  lastTickAt(): Date | null;
};

export function createWatchdog(deps: WatchdogDeps): Watchdog {
  const { log } = deps;
  let inFlight: Promise<TickReport> | null = null;
  let last: Date | null = null;

  async function pass(): Promise<TickReport> {
    const now = deps.clock.now();
    const report: TickReport = { flagged: [], cleared: [], notices: [], delivered: 0, failed: 0, followUp: { notices: [], delivered: 0, failed: 0 } };
    const { open } = await assessOpenIncidents(deps.db, now, deps.site);
    await updateFlags(open, now, report);
    const sent = await sentFor(deps.db, open);
    for (const w of open) {
      const notice = noticeDue({ lastUpdateAt: w.lastUpdateAt, dueAt: w.dueAt, now, sent: sent.get(w.id) ?? { reminder: false, escalations: 0 }, policy: deps.policy });
      if (!notice) continue;
      const targets = await recipientsFor(deps.db, notice, w.commander, deps.deliverers.webhookUrl);
      if (targets.length === 0) log.warn(`[Freshness] ${w.ref}: a ${notice.kind} is due but nobody would hear it; add a comms user (npm run user) or set FRESHNESS_WEBHOOK_URL.`);
      const id = await claimNotice(deps.db, w.id, w.dueAt, notice, targets, now);
      if (id !== null) report.notices.push({ ref: w.ref, kind: notice.kind, seq: notice.seq, recipients: targets.length });
    }
    await deliverPending(open, now, report);
    report.followUp = await followUpPass({ db: deps.db, site: deps.site, deliverers: deps.deliverers, log, now: () => deps.clock.now(), escalation: deps.escalation }, now);
    if (report.flagged.length > 0) {
      const ids = open.filter((w) => report.flagged.includes(w.ref)).map((w) => w.id);
      await deps.publisher.publish({ incidents: ids }).catch((error) => log.error('[Freshness] Republishing overdue incidents failed:', error));
    }
    last = now;
    return report;
  }

  async function updateFlags(open: Watched[], now: Date, report: TickReport) {
    const flags = await listFlags(deps.db);
    const byId = new Map(open.map((w) => [w.id, w]));
    for (const [id] of flags) {
      if (!byId.has(id)) (await clearFlag(deps.db, id), report.cleared.push(`INC-${id}`));
    }
    for (const w of open) {
      const flag = flags.get(w.id);
      if (w.overdue && flag?.dueAt !== w.dueAt.toISOString()) {
        await setFlag(deps.db, w.id, w.dueAt, now);
        report.flagged.push(w.ref);
        log.warn(`[Freshness] ${w.ref} is overdue: its next update was due at ${w.dueAt.toISOString()}.`);
      } else if (!w.overdue && flag) {
        await clearFlag(deps.db, w.id);
        report.cleared.push(w.ref);
      }
    }
  }

  async function deliverPending(open: Watched[], now: Date, report: TickReport) {
    const byId = new Map(open.map((w) => [w.id, w]));
    const domain = new URL(deps.site.publicUrl).hostname || 'herald.local';
    for (const p of await pendingDeliveries(deps.db, now)) {
      const w = byId.get(p.notice.incidentId);
      // A notice for a deadline that a new update (or the resolution) has since replaced is
      // noise now: skip it rather than remind someone of what they already did.
      if (!w || w.dueAt.toISOString() !== p.notice.dueAt) {
        await deps.db.execute({ sql: "UPDATE freshness_deliveries SET status = 'skipped' WHERE id = ?", args: [p.id] });
        continue;
      }
      if (!(await leaseDelivery(deps.db, p.id, now, LEASE_MS))) continue;
      const notice = { kind: p.notice.kind, seq: p.notice.seq } as Notice;
      const subject: NoticeSubject = { ref: w.ref, title: w.title, severity: w.severity, commander: w.commander, dueAt: w.dueAt, publicUrl: w.url, deskUrl: `${deps.site.publicUrl}/admin/incidents/${w.ref}` };
      const message = composeNotice(notice, subject, now, deps.policy.maxEscalations);
      try {
        await deliver(deps.deliverers, p.channel, p.target, { ...message, webhook: webhookBody(notice, subject, now, deps.policy.maxEscalations), noticeId: p.notice.id }, domain);
        await markSent(deps.db, p.id, deps.clock.now());
        report.delivered += 1;
      } catch (error) {
        const giveUp = p.attempts + 1 >= MAX_ATTEMPTS;
        await markFailed(deps.db, p.id, (error as Error).message, giveUp);
        report.failed += 1;
        log.error(`[Freshness] ${p.notice.kind} for ${w.ref} to ${p.channel} ${p.channel === 'email' ? p.target : '(webhook)'} failed${giveUp ? ', giving up' : ', will retry'}: ${(error as Error).message}`);
      }
    }
  }

  const tick = (): Promise<TickReport> => {
    inFlight ??= pass().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  return {
    tick,
    lastTickAt: () => last,
    start: (intervalMs) => repeat(tick, intervalMs, (error) => log.error('[Freshness] Watchdog pass failed; retrying next interval:', error)),
  };
}
