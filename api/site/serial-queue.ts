/**
 * Work run one job at a time, in the order asked, with requests that wait merged into one.
 * Knows nothing of what the work is: the publisher runs its renders through it.
 */

export type SerialQueue = {
  /** Runs `work` once everything queued before it has finished (a failure does not stop the queue). */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Resolves once everything queued so far has finished. */
  drained(): Promise<void>;
};

/**
 * @example const queue = createSerialQueue(); queue.run(a); queue.run(b) // b starts when a has settled
 */
export function createSerialQueue(): SerialQueue {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    run<T>(work: () => Promise<T>): Promise<T> {
      const result = chain.then(work);
      chain = result.catch(() => undefined);
      return result;
    },
    drained: async () => {
      await chain;
    },
  };
}

export type CoalescingOptions<S, R> = {
  queue: SerialQueue;
  /** Two requests' scopes as one. */
  merge(a: S, b: S): S;
  /** The scope of no request (what is owed when nothing failed). */
  empty: S;
  work(scope: S): Promise<R>;
};

/**
 * A request function over `queue`: a request made while another is waiting (queued, not yet
 * started) joins it — its scope merged in, the same promise returned — so a burst of requests
 * costs two runs, not one each. A run that fails owes its scope to the next run, which does it too.
 */
export function coalescing<S, R>(options: CoalescingOptions<S, R>): (scope: S) => Promise<R> {
  const { queue, merge } = options;
  let waiting: { scope: S; promise: Promise<R> } | null = null;
  let owed = options.empty;
  return (scope) => {
    if (waiting) {
      waiting.scope = merge(waiting.scope, scope);
      return waiting.promise;
    }
    const entry: { scope: S; promise: Promise<R> } = { scope, promise: Promise.resolve() as Promise<R> };
    entry.promise = queue.run(async () => {
      if (waiting === entry) waiting = null;
      const merged = merge(owed, entry.scope);
      owed = options.empty;
      try {
        return await options.work(merged);
      } catch (error) {
        owed = merge(owed, merged);
        throw error;
      }
    });
    waiting = entry;
    return entry.promise;
  };
}
