/**
 * Where Herald writes what it tells the operator. Every component receives one; none falls
 * back to a global. Called as `log.error('[Subsystem] message', error)`: the server's log
 * (api/platform/log/logger.ts) turns that into one structured line; `console` also fits.
 * `child` (optional, so `console` still is a Log) names what the lines belong to, e.g. a job.
 */
export type Log = Pick<Console, 'info' | 'warn' | 'error'> & { child?(bindings: Record<string, string>): Log };

/** For tests and tools that want no output. */
export const silentLog: Log = { info() {}, warn() {}, error() {} };

/**
 * The same log with `bindings` on every line, where the log supports it (console does not).
 * @example childLog(log, { job: 'outbox' }).warn('[Outbox] …') // {"job":"outbox","msg":"[Outbox] …"}
 */
export const childLog = (log: Log, bindings: Record<string, string>): Log => log.child?.(bindings) ?? log;
