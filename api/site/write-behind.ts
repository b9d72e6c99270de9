/**
 * Writing behind: keys are marked dirty now and written in the background, so the caller never
 * waits on the target (a disk that is full, read-only or slow). A key marked again before it is
 * written is written once, with what it holds then. A failed pass is retried with backoff until
 * the target takes writes again, and says so each time through `onFailure`. Knows nothing of
 * what is written: the snapshot mirrors itself to disk through it.
 */

export type WriteBehindOptions<K> = {
  /** Writes `key` as it is now; rejects when it cannot. */
  write(key: K): Promise<void>;
  /** Keys that vouch for the others (a note of what was published): written only once nothing else is pending. */
  isLast?(key: K): boolean;
  /** Writes in flight at once. */
  concurrency?: number;
  /** The wait before the first retry, doubled after each failed one up to `maxMs`. */
  retry?: { firstMs: number; maxMs: number };
  /** A pass failed; `first` when the writes worked before it. */
  onFailure?(error: unknown, state: { pending: number; retryInMs: number; first: boolean; failingForMs: number }): void;
  /** A pass succeeded after failures: everything pending is written. */
  onRecovery?(state: { failedForMs: number; attempts: number }): void;
  now?(): number;
};

export type WriteBehindStatus = {
  /** Keys marked and not yet written. */
  pending: number;
  /** Null while writes work; else since when they fail, the last error and the failed passes. */
  failing: { since: Date; error: unknown; attempts: number } | null;
};

export type WriteBehind<K> = {
  /** Marks `key` to be written; returns at once. */
  mark(key: K): void;
  status(): WriteBehindStatus;
  /** Resolves once nothing is pending, or as soon as writing fails: never waits on a failing target. */
  settled(): Promise<void>;
  /** Resolves once nothing is pending; rejects with the error when writing fails. */
  flushed(): Promise<void>;
};

export function createWriteBehind<K>(options: WriteBehindOptions<K>): WriteBehind<K> {
  const concurrency = options.concurrency ?? 8;
  const retry = options.retry ?? { firstMs: 1000, maxMs: 10_000 };
  const now = options.now ?? Date.now;
  const isLast = options.isLast ?? (() => false);
  /** Each pending key with how often it was marked: a key marked again while being written stays pending. */
  const pending = new Map<K, number>();
  let running = false;
  let scheduled = false;
  let timer: NodeJS.Timeout | null = null;
  let failing: WriteBehindStatus['failing'] = null;
  let delay = retry.firstMs;
  let waiters: { resolve(): void; reject(error: unknown): void; failFast: boolean }[] = [];

  const wake = (error?: unknown) => {
    const still: typeof waiters = [];
    for (const waiter of waiters) {
      if (error === undefined) {
        if (pending.size === 0) waiter.resolve();
        else still.push(waiter);
      } else if (waiter.failFast) waiter.reject(error);
      else waiter.resolve();
    }
    waiters = still;
  };

  /** Writes `keys`, `concurrency` at a time; stops starting writes at the first failure and throws it. */
  async function writeAll(keys: K[]): Promise<void> {
    let next = 0;
    let failure: { error: unknown } | null = null;
    const worker = async () => {
      while (!failure && next < keys.length) {
        const key = keys[next++] as K;
        const marks = pending.get(key);
        try {
          await options.write(key);
          if (pending.get(key) === marks) pending.delete(key);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
    if (failure) throw (failure as { error: unknown }).error;
  }

  async function pass(): Promise<void> {
    running = true;
    try {
      // After a failure, one write first: a target still failing costs one attempt, not a batch.
      if (failing) {
        const probe = [...pending.keys()].find((key) => !isLast(key));
        if (probe !== undefined) await writeAll([probe]);
      }
      while (pending.size > 0) {
        const keys = [...pending.keys()];
        const first = keys.filter((key) => !isLast(key));
        await writeAll(first.length ? first : keys);
      }
      if (failing) options.onRecovery?.({ failedForMs: now() - failing.since.getTime(), attempts: failing.attempts });
      failing = null;
      delay = retry.firstMs;
      wake();
    } catch (error) {
      const first = failing === null;
      failing = { since: failing?.since ?? new Date(now()), error, attempts: (failing?.attempts ?? 0) + 1 };
      options.onFailure?.(error, { pending: pending.size, retryInMs: delay, first, failingForMs: now() - failing.since.getTime() });
      timer = setTimeout(() => {
        timer = null;
        start();
      }, delay);
      timer.unref();
      delay = Math.min(delay * 2, retry.maxMs);
      wake(error);
    } finally {
      running = false;
    }
  }

  function start(): void {
    if (running || timer || pending.size === 0) return;
    void pass();
  }

  return {
    mark(key) {
      pending.set(key, (pending.get(key) ?? 0) + 1);
      if (running || timer || scheduled) return;
      // On the next turn: the keys of one publish go in one pass.
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        start();
      });
    },
    status: () => ({ pending: pending.size, failing }),
    settled: () => (pending.size === 0 || failing ? Promise.resolve() : new Promise((resolve, reject) => waiters.push({ resolve, reject, failFast: false }))),
    flushed: () => {
      if (failing) return Promise.reject(failing.error);
      return pending.size === 0 ? Promise.resolve() : new Promise((resolve, reject) => waiters.push({ resolve, reject, failFast: true }));
    },
  };
}
