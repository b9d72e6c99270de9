/**
 * A sliding-log limiter: at most `limit` hits per key in any `windowMs`. Memory is bounded:
 * at most `maxKeys` keys are tracked, the oldest forgotten first.
 *
 * @example const t = createThrottle({ limit: 5, windowMs: 600_000 }); t.hit('1.2.3.4', now) // true
 */
export function createThrottle(options: { limit: number; windowMs: number; maxKeys?: number }) {
  const hits = new Map<string, number[]>();
  const maxKeys = options.maxKeys ?? 10_000;
  return {
    /** Records a hit; false when the key is over its limit (the hit is not counted then). */
    hit(key: string, now: Date): boolean {
      const t = now.getTime();
      const recent = (hits.get(key) ?? []).filter((at) => t - at < options.windowMs);
      hits.delete(key);
      if (recent.length >= options.limit) {
        hits.set(key, recent);
        return false;
      }
      recent.push(t);
      hits.set(key, recent);
      if (hits.size > maxKeys) hits.delete(hits.keys().next().value as string);
      return true;
    },
    /** How long until `key` may hit again (0: now), for a Retry-After. */
    wait(key: string, now: Date): number {
      const recent = (hits.get(key) ?? []).filter((at) => now.getTime() - at < options.windowMs);
      if (recent.length < options.limit) return 0;
      return (recent[recent.length - options.limit] as number) + options.windowMs - now.getTime();
    },
  };
}
