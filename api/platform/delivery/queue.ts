/**
 * The sender job: Herald's one delivery queue. Features register lanes — which kinds of outbox
 * row are delivered together, and the handler of each kind — and the queue runs one loop per
 * lane, each claiming its own due rows with a lease, handing them to their handlers and
 * recording every attempt. A slow lane (a webhook receiver that answers one byte at a time, a
 * Slack outage) never holds up another: subscribers' notices, sign-up mails and the comms
 * lead's reminders keep going. Several processes may run it against one database: the lease
 * keeps them off each other's rows, the heartbeat keeps a live sender's lease, and a row
 * whose sender died is claimed again when its lease runs out.
 */
import { hostname } from 'node:os';
import { type Clock, type ClockWatch, watchClock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import type { Log } from '../log/log.ts';
import { createLaneRunner, type Lane, type LaneDeps, type LaneRunner } from './lane.ts';
import { leaseOwners, releaseLeases } from './outbox.ts';
import { isGoneFrom, isRunning, newOwnerId } from './owners.ts';

export type DeliveryQueueDeps = {
  db: Db;
  clock: Clock;
  log: Log;
  batchSize?: number;
  /** How long a claim lasts without renewal (OUTBOX_LEASE_SECONDS); renewed while in flight. */
  leaseMs?: number;
  /** Told each batch's outcomes once they are recorded (the metrics count them). */
  onBatch?: LaneDeps['onBatch'];
  /** Watches the wall clock for jumps: leases are wall times, so a jump forward makes every lease look run out. */
  clockWatch?: ClockWatch;
  pollMs?: number;
  /**
   * Batches each lane delivers at once when it is busy (default 2): while one batch's rows are
   * recorded and the next claimed and loaded, another is on the wire, so the relay and the
   * receivers — not Herald's own bookkeeping — set the pace. Each batch holds its own rows.
   */
  batchesInFlight?: number;
  /** Lanes to start with; more can be registered before `start`. */
  lanes?: readonly Lane[];
  /**
   * Waited for between claiming a batch and delivering it: assemble.ts waits for the publish in
   * progress. A write commits its notices' rows before it publishes, so a lane polling at that
   * moment claims them at once; delivering them then took the CPU from the publish, and the
   * comms lead's POST took twice as long in a fan-out (0.6 s against 0.3 s for 20,000).
   */
  beforeDeliver?: () => Promise<void>;
};

export type DeliveryQueue = {
  /** Adds lanes. A kind belongs to one lane: registering it twice is a mistake, refused. */
  register(...lanes: Lane[]): void;
  /** The lane of that name, to run on demand (the freshness watchdog delivers what it just queued). */
  lane(name: string): LaneRunner;
  /** Claims, delivers and records one batch in every lane; resolves with how many rows they claimed. */
  runOnce(): Promise<number>;
  /** Runs batches until nothing is due in any lane (tests, benchmarks). */
  drain(): Promise<number>;
  /** Starts every lane's loop; returns the function that stops them after the batches in flight. */
  start(): () => Promise<void>;
};

/** OUTBOX_LEASE_SECONDS' default: a dead sender's rows are claimed again within this. */
const DEFAULT_LEASE_MS = 15_000;
const DEFAULT_BATCH_SIZE = 200;
const DEFAULT_BATCHES_IN_FLIGHT = 2;

export function createDeliveryQueue(deps: DeliveryQueueDeps): DeliveryQueue {
  const owner = newOwnerId();
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const { log } = deps;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const watch = deps.clockWatch ?? watchClock(deps.clock);
  // After the wall clock jumps forward, every lease looks run out: others' rows are left to
  // them for two leases of monotonic time, in which their heartbeats (every third of a lease)
  // renew them on the new time. Rows of a sender that died meanwhile wait that much longer.
  const mayTakeOver = () => {
    watch.check();
    return !watch.jumpedForwardWithin(2 * leaseMs);
  };
  const laneDeps: LaneDeps = {
    db: deps.db,
    clock: deps.clock,
    owner,
    leaseMs,
    batchSize,
    log,
    mayTakeOver,
    onBatch: deps.onBatch,
    beforeDeliver: deps.beforeDeliver,
  };
  const lanes = new Map<string, LaneRunner>();
  const laneOfKind = new Map<string, string>();

  function register(...added: Lane[]) {
    for (const lane of added) {
      if (lanes.has(lane.name)) throw new Error(`[Outbox] A lane named "${lane.name}" is registered already; give each lane its own name.`);
      for (const kind of Object.keys(lane.kinds)) {
        const taken = laneOfKind.get(kind);
        if (taken) throw new Error(`[Outbox] The kind "${kind}" is delivered by the ${taken} lane already; a kind belongs to one lane.`);
        laneOfKind.set(kind, lane.name);
      }
      lanes.set(lane.name, createLaneRunner(lane, laneDeps));
    }
  }
  register(...(deps.lanes ?? []));

  function lane(name: string): LaneRunner {
    const found = lanes.get(name);
    if (!found) throw new Error(`[Outbox] No lane named "${name}"; register it first.`);
    return found;
  }

  async function runOnce(): Promise<number> {
    const batches = await Promise.all([...lanes.values()].map((l) => l.runOnce()));
    return batches.reduce((n, batch) => n + (batch?.rows.length ?? 0), 0);
  }

  async function drain(): Promise<number> {
    const totals = await Promise.all([...lanes.values()].map(async (l) => (await l.drain()).reduce((n, batch) => n + batch.rows.length, 0)));
    return totals.reduce((a, b) => a + b, 0);
  }

  /**
   * Makes the rows that a process of this machine claimed and did not live to deliver due
   * again now. Only for an embedded database, where every process using the file runs on
   * this machine; elsewhere such rows wait for their (short) lease.
   */
  async function takeOverFromGone(): Promise<void> {
    if (!deps.db.url.startsWith('file:') && deps.db.url !== ':memory:') return;
    const host = hostname();
    for (const gone of (await leaseOwners(deps.db, deps.clock.now())).filter((o) => isGoneFrom(o, host, isRunning))) {
      const taken = await releaseLeases(deps.db, gone);
      if (taken) log.info(`[Outbox] Took over ${taken} notice(s) claimed by ${gone}, which is no longer running.`);
    }
  }

  /**
   * Runs a lane until `running()` is false: back to back while it is busy, polling when idle.
   * While its batches come back full (a fan-out), it starts up to `inFlight - 1` helpers that run
   * batches beside it until the lane has no full batch left, so an idle lane costs one poll.
   */
  async function loop(runner: LaneRunner, running: () => boolean, idle: () => Promise<void>, inFlight: number) {
    const helpers = new Set<Promise<void>>();
    const batch = async () => {
      try {
        return (await runner.runOnce())?.rows.length ?? 0;
      } catch (error) {
        log.error(`[Outbox] A ${runner.name} batch failed; its rows are claimed again when their lease runs out:`, error);
        return 0;
      }
    };
    const helper = async () => {
      while (running() && (await batch()) >= batchSize);
    };
    while (running()) {
      const claimed = await batch();
      if (claimed >= batchSize && helpers.size < inFlight - 1) {
        const started = helper().finally(() => helpers.delete(started));
        helpers.add(started);
      }
      if (running() && claimed < batchSize) await idle();
    }
    await Promise.all(helpers);
  }

  function start(): () => Promise<void> {
    let running = true;
    const wakers = new Set<() => void>();
    const idle = () =>
      new Promise<void>((resolve) => {
        const done = () => (wakers.delete(done), clearTimeout(timer), resolve());
        const timer = setTimeout(done, deps.pollMs ?? 500);
        timer.unref();
        wakers.add(done);
      });
    const tookOver = takeOverFromGone().catch((error) =>
      log.error('[Outbox] Could not take over the notices of a sender that is gone; they are sent when their lease runs out:', error),
    );
    const inFlight = Math.max(1, deps.batchesInFlight ?? DEFAULT_BATCHES_IN_FLIGHT);
    const loops = [...lanes.values()].map(async (runner) => (await tookOver, loop(runner, () => running, idle, inFlight)));
    return async () => {
      running = false;
      for (const wake of [...wakers]) wake();
      await Promise.all(loops);
    };
  }

  return { register, lane, runOnce, drain, start };
}
