/**
 * Herald's Prometheus metrics, in a registry of its own per app instance (never prom-client's
 * global one, so several Heralds in one test process do not clash). Things that happen are
 * counted as they happen (requests, publishes, deliveries); things that are (open incidents,
 * the outbox backlog, the snapshot) are read at scrape time by the function given to
 * `collectAtScrape`, so several processes sharing one database all report the truth.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PlanReport } from '../plan/index.ts';
import { SEVERITIES } from '../../shared/vocabulary.ts';
import { createRequestHistogram, type HistogramSeries } from '../../platform/metrics/request-histogram.ts';
import { CHANNELS, type AttemptResult, type Channel, type OutboxRow } from '../../platform/delivery/outbox.ts';
import type { Outage } from '../../platform/delivery/outages.ts';

export { CHANNELS, type Channel };

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** What the scrape-time gauges are set from. */
export type ScrapeState = {
  freshness: { open: number; overdue: number; nextDeadlineSeconds: number | null; watchdogLastRunAt: Date | null };
  outbox: Record<Channel, { depth: number; oldestAgeSeconds: number }>;
  /** The channels that cannot deliver at all now (api/platform/delivery/outages.ts). */
  outages: readonly Outage[];
  /** When this state was read (an outage's length is counted to it). */
  time: string;
  snapshot: { files: number; bytes: number; mirror: { failing: boolean; pendingFiles: number } };
  /** The plan report over the trailing window (PLAN_WINDOW_DAYS, today included). */
  plan: PlanReport;
};

/** The plan gauges cover incidents detected in this many UTC days, today included. */
export const PLAN_WINDOW_DAYS = 30;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  // Observed on every request, the read path's included: kept by hand (api/platform/metrics/request-histogram.ts).
  const requestDuration = createRequestHistogram({
    name: 'herald_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route group and status.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const publishDuration = new Histogram({
    name: 'herald_publish_duration_seconds',
    help: 'Time from a publish being asked for to readers seeing it.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers,
  });
  const publishFiles = new Histogram({
    name: 'herald_publish_files_changed',
    help: 'Snapshot files a publish changed.',
    buckets: [0, 1, 2, 5, 10, 25, 50, 100, 250, 1000],
    registers,
  });
  const publishFailures = new Counter({ name: 'herald_publish_failures_total', help: 'Publishes that failed (the snapshot stayed as it was).', registers });
  const lastPublish = new Gauge({ name: 'herald_publish_last_success_timestamp_seconds', help: 'When a publish last succeeded (Unix time).', registers });
  const deliveries = new Counter({
    name: 'herald_deliveries_total',
    help: "Outbox delivery attempts by channel and outcome (sent, retry, failed, suppressed, cancelled); suppressed: the relay refused a subscriber's address for good (5xx to RCPT TO).",
    labelNames: ['channel', 'outcome'] as const,
    registers,
  });
  const channelFailures = new Counter({
    name: 'herald_delivery_channel_failures_total',
    help: 'Delivery attempts that failed for the channel, not the recipient (mail: the relay refused AUTH, MAIL FROM or DATA, or could not be reached), by channel and reason. Retried; nobody is unsubscribed for them.',
    labelNames: ['channel', 'reason'] as const,
    registers,
  });
  const outageSeconds = new Gauge({
    name: 'herald_delivery_outage_seconds',
    help: 'How long a channel has been unable to deliver anything (0 while it delivers), by channel. GET /healthz/delivery says why.',
    labelNames: ['channel'] as const,
    registers,
  });
  const webhookFailures = new Counter({
    name: 'herald_webhook_failures_total',
    help: 'Webhook, Slack and PagerDuty deliveries that failed (to be retried or given up).',
    labelNames: ['channel'] as const,
    registers,
  });
  const outboxDepth = new Gauge({
    name: 'herald_outbox_depth',
    help: 'Outbox rows waiting to be delivered (queued or retrying), by channel.',
    labelNames: ['channel'] as const,
    registers,
  });
  const outboxAge = new Gauge({
    name: 'herald_outbox_oldest_age_seconds',
    help: 'Age of the oldest outbox row still waiting, by channel (0 when none waits).',
    labelNames: ['channel'] as const,
    registers,
  });
  const snapshotFiles = new Gauge({ name: 'herald_snapshot_files', help: 'Files in the published snapshot served from memory.', registers });
  const snapshotBytes = new Gauge({ name: 'herald_snapshot_bytes', help: 'Uncompressed size of the published snapshot.', registers });
  const mirrorFailing = new Gauge({
    name: 'herald_snapshot_mirror_failing',
    help: '1 while the snapshot directory cannot be written (full, read-only), else 0; readers are served from memory meanwhile.',
    registers,
  });
  const mirrorPending = new Gauge({
    name: 'herald_snapshot_mirror_pending_files',
    help: 'Published files not yet written to the snapshot directory.',
    registers,
  });
  // The freshness gauges keep the names and meaning they had before prom-client (README, alerts).
  const open = new Gauge({ name: 'herald_incidents_open', help: 'Incidents not yet resolved.', registers });
  const overdue = new Gauge({ name: 'herald_incidents_overdue', help: 'Open incidents whose next public update is past due.', registers });
  const nextDeadline = new Gauge({
    name: 'herald_next_deadline_seconds',
    help: 'Seconds until the nearest next-update deadline of an open incident (negative once passed).',
    registers,
  });
  const watchdogLastRun = new Gauge({
    name: 'herald_freshness_watchdog_last_run_timestamp_seconds',
    help: 'When the freshness watchdog last completed a pass (Unix time).',
    registers,
  });

  const planHelp = `incidents detected in the last ${PLAN_WINDOW_DAYS} days (UTC, today included)`;
  const planIncidents = new Gauge({ name: 'herald_plan_incidents', help: `Incidents by severity, ${planHelp}.`, labelNames: ['severity'] as const, registers });
  const planMtta = new Gauge({
    name: 'herald_plan_mtta_seconds',
    help: `Time from detection to acknowledgement (stat: mean or p90) by severity, ${planHelp}; absent when none was acknowledged. Plan: under 300 for P0/P1.`,
    labelNames: ['severity', 'stat'] as const,
    registers,
  });
  const planMttr = new Gauge({
    name: 'herald_plan_mttr_seconds',
    help: `Time from detection to resolution (stat: mean or p90) by severity, ${planHelp}; absent when none was resolved. Plan: under 3600 for P0, 14400 for P1.`,
    labelNames: ['severity', 'stat'] as const,
    registers,
  });
  const planPostmortems = new Gauge({
    name: 'herald_plan_postmortems',
    help: `P0/P1 postmortems past their 48 h or completed (outcome: due, on_time, late, missing), ${planHelp}.`,
    labelNames: ['outcome'] as const,
    registers,
  });
  const planActionItems = new Gauge({
    name: 'herald_plan_action_items',
    help: `Postmortem action items (state: total, done, done_within_30_days), ${planHelp}.`,
    labelNames: ['state'] as const,
    registers,
  });
  const planCompletion = new Gauge({
    name: 'herald_plan_action_item_completion_ratio',
    help: `Action items done within 30 days over those done in time or past 30 days, ${planHelp}; absent when none can be judged yet. Plan: 0.9.`,
    registers,
  });
  const planUpdates = new Gauge({
    name: 'herald_plan_updates',
    help: `Public update deadlines that have come (outcome: due) and those met (on_time), ${planHelp}.`,
    labelNames: ['outcome'] as const,
    registers,
  });

  const searchRefused = new Counter({
    name: 'herald_search_refused_total',
    help: 'Public searches refused (reason: throttled, one address over its limit, 429; busy, every address together over the budget, 503).',
    labelNames: ['reason'] as const,
    registers,
  });
  const intakeRefused = new Counter({
    name: 'herald_intake_refused_total',
    help: 'Alerts refused by the intake (reason: draft_cap, too many open drafts, 429; stale, an event older than the replay window, 422) and replays taken once (reason: duplicate, 200), by source.',
    labelNames: ['source', 'reason'] as const,
    registers,
  });

  const signalQueryFailures = new Counter({
    name: 'herald_signal_query_failures_total',
    help: 'Queries to Prometheus (PROMETHEUS_URL) that failed: unreachable, slow, or an expression refused (kind: availability, metric).',
    labelNames: ['kind'] as const,
    registers,
  });

  let readState: (() => Promise<ScrapeState>) | null = null;

  function applyPlan(plan: PlanReport) {
    for (const severity of SEVERITIES) {
      const figures = plan.bySeverity[severity];
      planIncidents.set({ severity }, figures.incidents);
      for (const [gauge, stat] of [
        [planMtta, figures.mttaSeconds],
        [planMttr, figures.mttrSeconds],
      ] as const) {
        for (const which of ['mean', 'p90'] as const) {
          const value = stat[which];
          if (value === null) gauge.remove({ severity, stat: which });
          else gauge.set({ severity, stat: which }, value);
        }
      }
    }
    const { due, onTime, late, missing } = plan.postmortems;
    for (const [outcome, value] of [
      ['due', due],
      ['on_time', onTime],
      ['late', late],
      ['missing', missing],
    ] as const)
      planPostmortems.set({ outcome }, value);
    planActionItems.set({ state: 'total' }, plan.actionItems.total);
    planActionItems.set({ state: 'done' }, plan.actionItems.done);
    planActionItems.set({ state: 'done_within_30_days' }, plan.actionItems.doneWithin30Days);
    if (plan.actionItems.completionRate === null) planCompletion.remove({});
    else planCompletion.set(plan.actionItems.completionRate);
    planUpdates.set({ outcome: 'due' }, plan.updates.due);
    planUpdates.set({ outcome: 'on_time' }, plan.updates.onTime);
  }

  function apply(state: ScrapeState) {
    open.set(state.freshness.open);
    overdue.set(state.freshness.overdue);
    // Absent, not 0, while nothing is open: there is no deadline to count down to.
    if (state.freshness.nextDeadlineSeconds === null) nextDeadline.remove({});
    else nextDeadline.set(state.freshness.nextDeadlineSeconds);
    if (state.freshness.watchdogLastRunAt === null) watchdogLastRun.remove({});
    else watchdogLastRun.set(Math.floor(state.freshness.watchdogLastRunAt.getTime() / 1000));
    for (const channel of CHANNELS) {
      outboxDepth.set({ channel }, state.outbox[channel].depth);
      outboxAge.set({ channel }, state.outbox[channel].oldestAgeSeconds);
      const outage = state.outages.find((o) => o.channel === channel);
      outageSeconds.set({ channel }, outage ? Math.max(0, Math.round((Date.parse(state.time) - Date.parse(outage.since)) / 1000)) : 0);
    }
    snapshotFiles.set(state.snapshot.files);
    snapshotBytes.set(state.snapshot.bytes);
    mirrorFailing.set(state.snapshot.mirror.failing ? 1 : 0);
    mirrorPending.set(state.snapshot.mirror.pendingFiles);
    applyPlan(state.plan);
  }

  const requestSeries = new Map<string, HistogramSeries>();
  return {
    registry,
    contentType: registry.contentType,
    /** One request answered (by the app or the raw read path). */
    observeRequest(r: { method: string; route: string; status: number; seconds: number }) {
      const method = METHODS.has(r.method) ? r.method : 'other';
      // One series per method, route group and status — a few dozen — looked up, not hashed, per request.
      const key = `${method} ${r.route} ${r.status}`;
      let series = requestSeries.get(key);
      if (!series) requestSeries.set(key, (series = requestDuration.series({ method, route: r.route, status: String(r.status) })));
      series.observe(r.seconds);
    },
    observePublish(r: { seconds: number; filesChanged: number; at: Date } | { failed: true }) {
      if ('failed' in r) return publishFailures.inc();
      publishDuration.observe(r.seconds);
      publishFiles.observe(r.filesChanged);
      lastPublish.set(r.at.getTime() / 1000);
    },
    /**
     * A sender batch's outcomes. A subscriber's mail the relay refused for good counts as
     * `suppressed` (the address is no longer mailed); a failure of the channel itself is
     * counted by reason too.
     */
    observeDeliveries(rows: readonly Pick<OutboxRow, 'id' | 'channel' | 'subscriberId'>[], results: readonly AttemptResult[]) {
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const result of results) {
        const row = byId.get(result.id);
        const channel = row?.channel ?? 'mail';
        const suppressed = result.outcome === 'failed' && result.bounced && row?.subscriberId !== null;
        deliveries.inc({ channel, outcome: suppressed ? 'suppressed' : result.outcome });
        if ((result.outcome === 'retry' || result.outcome === 'failed') && result.channelFault)
          channelFailures.inc({ channel, reason: result.channelFault.reason });
        if (channel !== 'mail' && (result.outcome === 'retry' || result.outcome === 'failed')) webhookFailures.inc({ channel });
      }
    },
    /** A public search refused to keep the published pages fast. */
    observeSearchRefused(reason: 'throttled' | 'busy') {
      searchRefused.inc({ reason });
    },
    /** An alert the intake refused, or a delivery it had already taken. */
    observeIntakeRefused(source: 'alertmanager' | 'pagerduty', reason: 'draft_cap' | 'stale' | 'duplicate') {
      intakeRefused.inc({ source, reason });
    },
    /** A query to Prometheus failed (api/features/signals): the page keeps its last values. */
    observeSignalQueryFailed(kind: 'availability' | 'metric') {
      signalQueryFailures.inc({ kind });
    },
    /** Where the gauges of what *is* come from; read once per scrape. */
    collectAtScrape(read: () => Promise<ScrapeState>) {
      readState = read;
    },
    /** The exposition text, gauges refreshed first. */
    async render(): Promise<string> {
      if (readState) apply(await readState());
      return registry.metrics();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
