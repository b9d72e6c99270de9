/**
 * One lane of the sender: claims due rows of its kinds with a short lease, keeps the lease
 * alive while their handlers deliver them (a heartbeat), and records each row's attempt —
 * with whatever the handler must write beside it, and the state of each channel — in one
 * transaction. A process that dies stops renewing, so its rows are claimed again a lease
 * later, not minutes later.
 */
import type { Clock } from '../clock.ts';
import type { Db, Executor } from '../db/client.ts';
import type { Log } from '../log/log.ts';
import { retryLater } from './attempts.ts';
import { endChannelOutage, recordChannelFailure } from './outages.ts';
import { claimDue, recordAttempts, renewLeases, type AttemptResult, type Channel, type OutboxRow } from './outbox.ts';

/** Delivers the rows of one kind. Registered by the feature that queues them. */
export type DeliveryHandler = {
  /** One result per row, never a rejection: whatever goes wrong with a row is that row's result. */
  attempt(rows: readonly OutboxRow[]): Promise<AttemptResult[]>;
  /**
   * Runs in the transaction that records the batch, after the rows are moved on: e.g. stop
   * mailing an address the relay refused for good.
   */
  recorded?(tx: Executor, rows: readonly OutboxRow[], results: readonly AttemptResult[], now: Date): Promise<void>;
};

/** Which kinds are delivered together, in their own loop, and who delivers each. */
export type Lane = { name: string; kinds: Readonly<Record<string, DeliveryHandler>> };

/** What one pass of a lane claimed and how each row went. */
export type Batch = { rows: readonly OutboxRow[]; results: readonly AttemptResult[] };

export type LaneDeps = {
  db: Db;
  clock: Clock;
  owner: string;
  leaseMs: number;
  batchSize: number;
  log: Log;
  /**
   * Whether rows another sender leased may be taken once their lease looks run out; false
   * just after the wall clock jumped forward (api/platform/clock.ts watchClock). Always when absent.
   */
  mayTakeOver?: () => boolean;
  /** Told each batch's outcomes once they are recorded (the metrics count them). */
  onBatch?: ((rows: readonly OutboxRow[], results: readonly AttemptResult[]) => void) | undefined;
  /** Waited for between claiming a batch and delivering it (see DeliveryQueueDeps). */
  beforeDeliver?: (() => Promise<void>) | undefined;
};

export type LaneRunner = {
  readonly name: string;
  /** Claims, delivers and records one batch; resolves with it, or null when nothing was due. */
  runOnce(): Promise<Batch | null>;
  /** Runs batches until nothing of the lane is due; resolves with every batch. */
  drain(): Promise<Batch[]>;
};

/**
 * How often a lease is renewed while its rows are in flight: three times a lease, so one
 * late or failed renewal does not let the lease run out.
 * @example heartbeatEvery(15_000) // 5000
 */
const heartbeatEvery = (leaseMs: number) => Math.max(100, Math.floor(leaseMs / 3));

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const subsystem = (channel: Channel) => (channel === 'mail' ? '[Mail]' : `[Outbox] ${channel}:`);

export function createLaneRunner(lane: Lane, deps: LaneDeps): LaneRunner {
  const kinds = Object.keys(lane.kinds);
  const leaseUntil = () => new Date(deps.clock.now().getTime() + deps.leaseMs);

  /** Renews the rows' leases until the returned function is called. */
  function heartbeat(ids: number[]): () => void {
    const timer = setInterval(() => {
      renewLeases(deps.db, deps.owner, ids, leaseUntil()).catch((error) =>
        deps.log.warn(`[Outbox] Could not renew the ${lane.name} lease: ${messageOf(error)}`),
      );
    }, heartbeatEvery(deps.leaseMs));
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Each kind's rows to its handler, all at once; a handler that throws fails only its own rows (retried). */
  async function attemptAll(rows: readonly OutboxRow[]): Promise<AttemptResult[]> {
    const byKind = Map.groupBy(rows, (row) => row.kind);
    const groups = await Promise.all(
      [...byKind].map(async ([kind, group]) => {
        const handler = lane.kinds[kind] as DeliveryHandler;
        const results = await handler
          .attempt(group)
          .catch((error: unknown) =>
            group.map((row) => retryLater(row, `[Outbox] Could not deliver outbox row ${row.id}: ${messageOf(error)}`, deps.clock.now())),
          );
        const byId = new Map(results.map((r) => [r.id, r]));
        return group.map((row) => byId.get(row.id) ?? retryLater(row, `[Outbox] The ${kind} handler gave no result for row ${row.id}`, deps.clock.now()));
      }),
    );
    return groups.flat();
  }

  /**
   * The state of each channel after a batch: a channel fault opens (or extends) the channel's
   * outage; a row sent on a channel with no fault in the batch ends it.
   */
  async function recordChannels(tx: Executor, rows: readonly OutboxRow[], results: readonly AttemptResult[], now: Date) {
    const channelOf = new Map(rows.map((r) => [r.id, r.channel]));
    const faults = new Map<Channel, AttemptResult[]>();
    const sent = new Set<Channel>();
    for (const r of results) {
      const channel = channelOf.get(r.id) as Channel;
      if ('channelFault' in r && r.channelFault) faults.set(channel, [...(faults.get(channel) ?? []), r]);
      else if (r.outcome === 'sent') sent.add(channel);
    }
    const began: { channel: Channel; detail: string; failures: number }[] = [];
    for (const [channel, failed] of faults) {
      const detail = (failed[0] as AttemptResult).detail;
      if (await recordChannelFailure(tx, channel, detail, failed.length, now)) began.push({ channel, detail, failures: failed.length });
    }
    const ended = [];
    for (const channel of sent) {
      if (faults.has(channel)) continue;
      const end = await endChannelOutage(tx, channel, now);
      if (end) ended.push(end);
    }
    return { began, ended };
  }

  async function runOnce(): Promise<Batch | null> {
    const takeOver = deps.mayTakeOver?.() ?? true;
    const rows = await claimDue(deps.db, deps.owner, kinds, deps.clock.now(), leaseUntil(), deps.batchSize, takeOver);
    if (rows.length === 0) return null;
    const stop = heartbeat(rows.map((r) => r.id));
    try {
      await deps.beforeDeliver?.();
      const results = await attemptAll(rows);
      const now = deps.clock.now();
      const channels = await deps.db.write(async (tx) => {
        await recordAttempts(tx, deps.owner, results, now);
        for (const [kind, group] of Map.groupBy(rows, (row) => row.kind)) {
          const ids = new Set(group.map((r) => r.id));
          await lane.kinds[kind]?.recorded?.(
            tx,
            group,
            results.filter((r) => ids.has(r.id)),
            now,
          );
        }
        return recordChannels(tx, rows, results, now);
      });
      deps.onBatch?.(rows, results);
      report(rows, results, channels);
      return { rows, results };
    } finally {
      stop();
    }
  }

  /** Logs a batch: its own failures as one warning; a channel's outage once, when it begins and when it ends. */
  function report(rows: readonly OutboxRow[], results: readonly AttemptResult[], channels: Awaited<ReturnType<typeof recordChannels>>) {
    for (const { channel, detail, failures } of channels.began) {
      deps.log.error(
        `${subsystem(channel)} Nothing can be sent: ${detail}. ${failures} ${lane.name} notice(s) wait and are retried with backoff; nobody is unsubscribed for it. GET /healthz/delivery says since when; check SMTP_URL, MAIL_FROM and the relay.`,
      );
    }
    for (const { outage, due } of channels.ended) {
      deps.log.info(
        `${subsystem(outage.channel)} Delivering again, after failing since ${outage.since} (${outage.failures} failed attempt(s)); ${due} waiting notice(s) are sent now.`,
      );
    }
    // A channel's outage is told above, once; this line is for the rows' own failures, and for
    // rows given up on whatever the cause.
    const failures = results.filter((r) => r.outcome === 'failed' || (r.outcome === 'retry' && !r.channelFault));
    if (failures.length > 0) deps.log.warn(`[Outbox] ${failures.length} of ${rows.length} ${lane.name} deliveries failed; first: ${failures[0]?.detail}`);
  }

  async function drain(): Promise<Batch[]> {
    const batches: Batch[] = [];
    for (let batch = await runOnce(); batch; batch = await runOnce()) batches.push(batch);
    return batches;
  }

  return { name: lane.name, runOnce, drain };
}
