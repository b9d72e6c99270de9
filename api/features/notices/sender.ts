/**
 * The sender job: one loop per lane (api/platform/delivery/lanes.ts) — subscribers' notices, sign-up
 * mails, webhooks, Slack — each claiming its own due outbox rows with a lease, delivering
 * them (mail through the one pooled transport; webhooks and Slack over HTTPS, each within a
 * total deadline) and recording every attempt. Several processes may run it against one
 * database: the lease keeps them off each other's rows, the heartbeat keeps a live sender's
 * lease, and a row whose sender died is claimed again when its lease runs out.
 */
import type { Log } from '../../platform/log/log.ts';
import { hostname } from 'node:os';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/client.ts';
import { repeat } from '../../platform/jobs/repeat.ts';
import { purgeUnconfirmed } from '../subscribers/index.ts';
import { createAttempts } from './attempt.ts';
import type { HookDelivery } from '../webhooks/index.ts';
import type { ComposeSettings } from './compose.ts';
import { createLaneRunner, type LaneDeps, type LaneRunner } from '../../platform/delivery/lane.ts';
import { LANES } from '../../platform/delivery/lanes.ts';
import type { Mailer } from '../../platform/delivery/mailer.ts';
import { leaseOwners, releaseLeases } from '../../platform/delivery/outbox.ts';
import { isGoneFrom, isRunning, newOwnerId } from '../../platform/delivery/owners.ts';


export type SenderDeps = {
  db: Db;
  clock: Clock;
  mailer: Mailer;
  compose: ComposeSettings;
  deliverHook?: HookDelivery;
  log: Log;
  batchSize?: number;
  /** How long a claim lasts without renewal (OUTBOX_LEASE_SECONDS); renewed while in flight. */
  leaseMs?: number;
  /** Told each batch's outcomes once they are recorded (the metrics count them). */
  onBatch?: LaneDeps['onBatch'];
  pollMs?: number;
};

export type Sender = {
  /** Claims, delivers and records one batch in every lane; resolves with how many rows they claimed. */
  runOnce(): Promise<number>;
  /** Runs batches until nothing is due in any lane (tests, benchmarks). */
  drain(): Promise<number>;
  /** Starts every lane's loop; returns the function that stops them after the batches in flight. */
  start(): () => Promise<void>;
};

/** OUTBOX_LEASE_SECONDS' default: a dead sender's rows are claimed again within this. */
const DEFAULT_LEASE_MS = 15_000;
const UNCONFIRMED_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 60 * 1000;

export function createSender(deps: SenderDeps): Sender {
  const owner = newOwnerId();
  const batchSize = deps.batchSize ?? 200;
  const { log } = deps;
  const attemptAll = createAttempts(deps);
  const lanes = LANES.map((lane) =>
    createLaneRunner(lane, { db: deps.db, clock: deps.clock, owner, leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS, batchSize, log, attemptAll, onBatch: deps.onBatch }),
  );

  async function runOnce(): Promise<number> {
    const counts = await Promise.all(lanes.map((lane) => lane.runOnce()));
    return counts.reduce((a, b) => a + b, 0);
  }

  const drainLane = async (lane: LaneRunner) => {
    let total = 0;
    for (let n = await lane.runOnce(); n > 0; n = await lane.runOnce()) total += n;
    return total;
  };

  async function drain(): Promise<number> {
    const totals = await Promise.all(lanes.map(drainLane));
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

  /** Runs a lane until `running()` is false: back to back while it is busy, polling when idle. */
  async function loop(lane: LaneRunner, running: () => boolean, idle: () => Promise<void>) {
    while (running()) {
      let claimed = 0;
      try {
        claimed = await lane.runOnce();
      } catch (error) {
        log.error(`[Outbox] A ${lane.name} batch failed; its rows are claimed again when their lease runs out:`, error);
      }
      if (running() && claimed < batchSize) await idle();
    }
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
    const tookOver = takeOverFromGone().catch((error) => log.error('[Outbox] Could not take over the notices of a sender that is gone; they are sent when their lease runs out:', error));
    const loops = lanes.map(async (lane) => (await tookOver, loop(lane, () => running, idle)));
    const stopPurge = repeat(
      async () => {
        const purged = await deps.db.write((tx) => purgeUnconfirmed(tx, new Date(deps.clock.now().getTime() - UNCONFIRMED_TTL_MS)));
        if (purged) log.info(`[Subscribe] Forgot ${purged} address(es) never confirmed within 7 days.`);
      },
      PURGE_EVERY_MS,
      (error) => log.error('[Subscribe] Purging unconfirmed addresses failed; trying again in an hour:', error),
    );
    return async () => {
      running = false;
      for (const wake of [...wakers]) wake();
      await Promise.all([...loops, stopPurge()]);
    };
  }

  return { runOnce, drain, start };
}
