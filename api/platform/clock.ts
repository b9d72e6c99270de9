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

/** A step of the wall clock against the monotonic one: forward (`byMs` > 0) or back. */
export type ClockJump = { at: Date; byMs: number };

export type ClockWatch = {
  /** Compares the wall clock's progress with the monotonic clock's since the last look; a gap past the tolerance is a jump. */
  check(): ClockJump | null;
  /** Whether the wall clock jumped forward within the last `ms` of monotonic time (which no jump moves). */
  jumpedForwardWithin(ms: number): boolean;
  /** The last jump seen, or null. */
  last(): ClockJump | null;
};

/** Steps smaller than this are ordinary drift and scheduling noise, not jumps. */
const JUMP_TOLERANCE_MS = 2_000;

/**
 * Watches `clock` (the wall clock) against a monotonic clock, which NTP steps, a VM resumed
 * from a pause or a person running `date -s` do not move. Herald's times are wall times, and
 * must be: they are shown to readers and shared by processes. What rests on an interval of
 * wall time (a lease, a deadline timer) asks this watch whether the interval still means what
 * it meant.
 * @example const watch = watchClock(systemClock); watch.check(); // null until the wall clock steps
 */
export function watchClock(clock: Clock, options: { toleranceMs?: number; monotonic?: () => number } = {}): ClockWatch {
  const monotonic = options.monotonic ?? (() => performance.now());
  const tolerance = options.toleranceMs ?? JUMP_TOLERANCE_MS;
  let wall = clock.now().getTime();
  let mono = monotonic();
  let last: ClockJump | null = null;
  let lastForwardAt = Number.NEGATIVE_INFINITY;
  return {
    check() {
      const wallNow = clock.now().getTime();
      const monoNow = monotonic();
      const byMs = wallNow - wall - (monoNow - mono);
      wall = wallNow;
      mono = monoNow;
      if (Math.abs(byMs) <= tolerance) return null;
      last = { at: new Date(wallNow), byMs: Math.round(byMs) };
      if (byMs > 0) lastForwardAt = monoNow;
      return last;
    },
    jumpedForwardWithin(ms) {
      return monotonic() - lastForwardAt < ms;
    },
    last: () => last,
  };
}

/**
 * The system clock moved by an offset that `jump` changes: a wall clock that can be stepped
 * like a real one, for tests of what a step does to running timers and leases.
 */
export function jumpableClock(): Clock & { jump(ms: number): void } {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    jump(ms) {
      offset += ms;
    },
  };
}
