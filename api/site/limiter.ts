/**
 * A cap on how many jobs run at once; the rest wait their turn, first come first served.
 * Knows nothing of the jobs: the snapshot caps its compressions with it.
 * @example const limited = createLimiter(4); await limited(() => compress(body)) // at most 4 at a time
 */
export function createLimiter(max: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
