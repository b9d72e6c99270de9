/** Where Herald writes what it tells the operator. Every component receives one; none falls back to a global. */
export type Log = Pick<Console, 'info' | 'warn' | 'error'>;

/** For tests and tools that want no output. */
export const silentLog: Log = { info() {}, warn() {}, error() {} };
