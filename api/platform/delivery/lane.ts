/**
 * One lane of the sender: claims due rows of its kinds with a short lease, keeps the lease
 * alive while it delivers them (a heartbeat), and records each row's attempt. A process that
 * dies stops renewing, so its rows are claimed again a lease later, not minutes later.
 */
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import type { Lane } from './lanes.ts';
import { claimDue, recordAttempts, renewLeases, type AttemptResult, type OutboxRow } from './outbox.ts';

type Log = Pick<Console, 'info' | 'warn' | 'error'>;

export type LaneDeps = {
  db: Db;
  clock: Clock;
  owner: string;
  leaseMs: number;
  batchSize: number;
  log: Log;
  /** One result per row, never a rejection (api/features/notices/attempt.ts). */
  attemptAll: (rows: readonly OutboxRow[]) => Promise<AttemptResult[]>;
  /** Told each batch's outcomes once they are recorded. */
  onBatch?: ((rows: readonly OutboxRow[], results: readonly AttemptResult[]) => void) | undefined;
};

export type LaneRunner = {
  readonly name: string;
  /** Claims, delivers and records one batch; resolves with how many rows it claimed. */
  runOnce(): Promise<number>;
};

/**
 * How often a lease is renewed while its rows are in flight: three times a lease, so one
 * late or failed renewal does not let the lease run out.
 * @example heartbeatEvery(15_000) // 5000
 */
const heartbeatEvery = (leaseMs: number) => Math.max(100, Math.floor(leaseMs / 3));

export function createLaneRunner(lane: Lane, deps: LaneDeps): LaneRunner {
  const leaseUntil = () => new Date(deps.clock.now().getTime() + deps.leaseMs);

  /** Renews the rows' leases until the returned function is called. */
  function heartbeat(ids: number[]): () => void {
    const timer = setInterval(() => {
      renewLeases(deps.db, deps.owner, ids, leaseUntil()).catch((error) => deps.log.warn(`[Outbox] Could not renew the ${lane.name} lease: ${(error as Error).message}`));
    }, heartbeatEvery(deps.leaseMs));
    timer.unref();
    return () => clearInterval(timer);
  }

  async function runOnce(): Promise<number> {
    const rows = await claimDue(deps.db, deps.owner, lane.kinds, deps.clock.now(), leaseUntil(), deps.batchSize);
    if (rows.length === 0) return 0;
    const stop = heartbeat(rows.map((r) => r.id));
    try {
      const results = await deps.attemptAll(rows);
      await deps.db.write((tx) => recordAttempts(tx, deps.owner, results, deps.clock.now()));
      deps.onBatch?.(rows, results);
      const failures = results.filter((r) => r.outcome === 'failed' || r.outcome === 'retry');
      if (failures.length > 0) deps.log.warn(`[Outbox] ${failures.length} of ${rows.length} ${lane.name} deliveries failed; first: ${failures[0]?.detail}`);
    } finally {
      stop();
    }
    return rows.length;
  }

  return { name: lane.name, runOnce };
}
