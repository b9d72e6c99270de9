/** The only way Herald code learns the time: injected, so rules and tests can fix it. */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that stands still until moved; for tests and for replaying a timeline.
 * @example const clock = manualClock('2026-01-01T12:00:00Z'); clock.advance(30 * 60_000);
 */
export function manualClock(start: string | Date): Clock & { advance(ms: number): void; set(at: string | Date): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    advance(ms) {
      current = new Date(current.getTime() + ms);
    },
    set(at) {
      current = new Date(at);
    },
  };
}
