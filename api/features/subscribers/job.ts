/**
 * The subscribers' own job: forgets addresses never confirmed within 7 days (the confirmation
 * link lasts 24 hours; a week is room for a resend). Each pass is one write; several
 * processes may run it, a second pass finding nothing to forget.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/client.ts';
import { repeat } from '../../platform/jobs/repeat.ts';
import type { Log } from '../../platform/log/log.ts';
import { purgeUnconfirmed } from './store.ts';

const UNCONFIRMED_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 60 * 1000;

export function createUnconfirmedPurge(deps: { db: Db; clock: Clock; log: Log }) {
  /** One pass: @returns how many addresses were forgotten. */
  async function runOnce(): Promise<number> {
    const purged = await deps.db.write((tx) => purgeUnconfirmed(tx, new Date(deps.clock.now().getTime() - UNCONFIRMED_TTL_MS)));
    if (purged) deps.log.info(`[Subscribe] Forgot ${purged} address(es) never confirmed within 7 days.`);
    return purged;
  }
  return {
    runOnce,
    /** Purges now and every hour; returns the function that stops it (after a pass in flight). */
    start: (intervalMs = PURGE_EVERY_MS) =>
      repeat(runOnce, intervalMs, (error) => deps.log.error('[Subscribe] Purging unconfirmed addresses failed; trying again in an hour:', error)),
  };
}
