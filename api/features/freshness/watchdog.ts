/**
 * The freshness watchdog: every few seconds (≤ 30), it looks at every open incident's
 * deadline, flags the overdue ones (and republishes their pages), and queues the reminder and
 * escalations the pure rule says are owed — each recorded before it is sent, so a restart
 * neither loses nor repeats one. They go out through the one delivery queue, in the
 * `freshness` lane with the plan's notices; a pass also runs that lane itself, so what it
 * queued goes out at once and its report says what went out.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/client.ts';
import type { DeliveryHandler } from '../../platform/delivery/lane.ts';
import type { AttemptResult, OutboxRow } from '../../platform/delivery/outbox.ts';
import { createDeliveryQueue, type DeliveryQueue } from '../../platform/delivery/queue.ts';
import type { EscalationMatrix } from './escalation.ts';
import { noticeDue, type EscalationPolicy, type Notice } from './rules.ts';
import type { Log } from '../../platform/log/log.ts';
import type { Republisher } from '../../platform/commands.ts';
import { PLAN_NOTICE_KINDS } from '../plan/index.ts';
import { assessOpenIncidents, type Watched } from './assess.ts';
import { sendNotice, type Deliverers } from './deliver.ts';
import { claimFollowUps, planNoticeHandler, type FollowUpReport } from './plan-watch.ts';
import { composeNotice, webhookBody, type NoticeSubject } from './messages.ts';
import { recipientsFor } from './recipients.ts';
import { claimNotice } from './commands.ts';
import { NOTICE_KINDS } from './schemas.ts';
import { clearFlag, findNotices, listFlags, sentFor, setFlag } from './store.ts';
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
  /**
   * The process's delivery queue, on which the watchdog registers the `freshness` lane. A
   * watchdog on its own (a tool; a test standing in for another process) gets a queue of its
   * own on the same database.
   */
  delivery?: DeliveryQueue;
};

export type TickReport = {
  flagged: string[];
  cleared: string[];
  notices: { ref: string; kind: Notice['kind']; seq: number; recipients: number }[];
  /** Reminders and escalations that went out in this pass, and attempts that failed. */
  delivered: number;
  failed: number;
  /** The plan's follow-up notices (an overdue postmortem, escalation levels), run in the same pass. */
  followUp: FollowUpReport;
};

/** The lane of reminders, escalations and the plan's notices: few, each one urgent. */
const LANE = 'freshness';

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
  const followUps = { db: deps.db, site: deps.site, deliverers: deps.deliverers, log, clock: deps.clock, escalation: deps.escalation };
  const delivery = deps.delivery ?? createDeliveryQueue({ db: deps.db, clock: deps.clock, log });
  const notices = noticeHandler(deps);
  const planNotices = planNoticeHandler(followUps);
  delivery.register({
    name: LANE,
    kinds: Object.fromEntries([...NOTICE_KINDS.map((k) => [k, notices] as const), ...PLAN_NOTICE_KINDS.map((k) => [k, planNotices] as const)]),
  });
  const lane = delivery.lane(LANE);

  async function pass(): Promise<TickReport> {
    const now = deps.clock.now();
    const report: TickReport = { flagged: [], cleared: [], notices: [], delivered: 0, failed: 0, followUp: { notices: [], delivered: 0, failed: 0 } };
    const { open } = await assessOpenIncidents(deps.db, now, deps.site);
    await updateFlags(open, now, report);
    const sent = await sentFor(deps.db, open);
    for (const w of open) {
      const notice = noticeDue({
        lastUpdateAt: w.lastUpdateAt,
        dueAt: w.dueAt,
        now,
        sent: sent.get(w.id) ?? { reminder: false, escalations: 0 },
        policy: deps.policy,
      });
      if (!notice) continue;
      const targets = await recipientsFor(deps.db, notice, w.commander, deps.deliverers.webhookUrl);
      if (targets.length === 0)
        log.warn(`[Freshness] ${w.ref}: a ${notice.kind} is due but nobody would hear it; add a comms user (npm run user) or set FRESHNESS_WEBHOOK_URL.`);
      const id = await claimNotice(deps.db, w.id, w.dueAt, notice, targets, now);
      if (id !== null) report.notices.push({ ref: w.ref, kind: notice.kind, seq: notice.seq, recipients: targets.length });
    }
    report.followUp.notices = await claimFollowUps(followUps, now);
    // What was just queued, and whatever waited for its retry, goes out now.
    for (const { rows, results } of await lane.drain()) count(rows, results, report);
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
      if (!byId.has(id)) await clearFlag(deps.db, id), report.cleared.push(`INC-${id}`);
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

/** Counts a batch into the pass's report: the freshness notices' own, and the plan's follow-ups. */
function count(rows: readonly OutboxRow[], results: readonly AttemptResult[], report: TickReport) {
  const kindOf = new Map(rows.map((r) => [r.id, r.kind]));
  for (const result of results) {
    const into = (PLAN_NOTICE_KINDS as readonly string[]).includes(kindOf.get(result.id) ?? '') ? report.followUp : report;
    if (result.outcome === 'sent') into.delivered += 1;
    else if (result.outcome === 'retry' || result.outcome === 'failed') into.failed += 1;
  }
}

/**
 * Delivers reminders and escalations (outbox kinds `freshness-reminder`, `freshness-escalation`).
 * A notice for a deadline that a new update (or the resolution) has since replaced is noise
 * now: cancelled rather than remind someone of what they already did.
 */
function noticeHandler(deps: WatchdogDeps): DeliveryHandler {
  const domain = new URL(deps.site.publicUrl).hostname || 'herald.local';
  const now = () => deps.clock.now();
  return {
    async attempt(rows) {
      const notices = await findNotices(
        deps.db,
        rows.map((r) => r.noticeId ?? 0),
      );
      const { open } = await assessOpenIncidents(deps.db, now(), deps.site);
      const byId = new Map(open.map((w) => [w.id, w]));
      return Promise.all(
        rows.map(async (row): Promise<AttemptResult> => {
          const stored = notices.get(row.noticeId ?? 0);
          const w = stored && byId.get(stored.incidentId);
          if (!stored || !w || w.dueAt.toISOString() !== stored.dueAt)
            return { id: row.id, outcome: 'cancelled', detail: 'the deadline it was about was met or replaced' };
          const notice = { kind: stored.kind, seq: stored.seq } as Notice;
          const subject: NoticeSubject = {
            ref: w.ref,
            title: w.title,
            severity: w.severity,
            commander: w.commander,
            dueAt: w.dueAt,
            publicUrl: w.url,
            deskUrl: `${deps.site.publicUrl}/admin/incidents/${w.ref}`,
          };
          const at = now();
          const message = composeNotice(notice, subject, at, deps.policy.maxEscalations);
          return sendNotice(
            deps.deliverers,
            row,
            { ...message, webhook: webhookBody(notice, subject, at, deps.policy.maxEscalations), noticeId: stored.id },
            domain,
            now,
          );
        }),
      );
    },
  };
}
