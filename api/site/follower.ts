/**
 * Following a sequence number other processes advance (the publish log): polled at an
 * interval, and when it is ahead of what this process has handled, `catchUp` runs. Knows
 * nothing of publishing; the publisher gives it the reads and the work.
 */

export type FollowOptions = {
  intervalMs: number;
  /** The newest sequence number written, by any process. */
  latest(): Promise<number>;
  /** The newest this process has handled; below 0 before its first run (then nothing is caught up). */
  handled(): number;
  /**
   * Resolves once the work this process has under way is done. A write of this process handles
   * itself; while that is queued or running the sequence is ahead of `handled`, but nothing is
   * missing: look again once it is done, or each such write costs a second run.
   */
  settled(): Promise<unknown>;
  catchUp(): Promise<unknown>;
  /** Runs after each check, on the same turn (housekeeping). */
  after?(): Promise<unknown>;
  /** A check failed; the next one tries again. */
  onError(error: unknown): void;
};

/**
 * Starts polling; checks never overlap.
 * @returns the stop function, which resolves once the check under way is done.
 */
export function follow(options: FollowOptions): () => Promise<void> {
  let stopped = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  const check = async () => {
    const seq = await options.latest();
    if (seq > options.handled()) await options.settled();
    if (seq > options.handled() && options.handled() >= 0) await options.catchUp();
    await options.after?.();
  };
  const timer = setInterval(() => {
    if (stopped) return;
    inFlight = inFlight.then(check).catch(options.onError);
  }, options.intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await inFlight;
  };
}
