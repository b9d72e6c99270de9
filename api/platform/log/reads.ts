/**
 * The access log of published files, summed. On the worst day the read path answers tens of
 * thousands of requests a second, and a line each made the log the bottleneck: writing it cost
 * the server a fifth of its throughput, and a collector pays again for every line. Every answer
 * is still counted, with its latency, in the metrics (`herald_http_request_duration_seconds`);
 * the log gets one line per interval with the answers by status, the bytes, the busiest paths
 * and the slowest answer. `LOG_READS=each` writes a line per answer instead
 * (`createAccessLog`). Requests the app answers (the API, the desk, subscriptions, anything
 * not published) always get a line each.
 */
import type { Log } from './log.ts';
import type { AccessEntry } from './logger.ts';

/** Paths named in a summary line: the busiest few. */
const BUSIEST = 5;
/** Distinct paths counted in one interval; past it, the rest are summed as one. */
const PATHS_KEPT = 1000;

export type ReadTally = {
  /** One published file answered. */
  add(entry: AccessEntry): void;
  /** Writes the line for what was answered since the last one, if anything was. */
  flush(): void;
};

/**
 * @param now milliseconds, for the interval a line covers (the clock is injected for tests)
 * @example
 * const reads = createReadTally(log, () => Date.now());
 * reads.add({ reqId, method: 'GET', path: '/', route: 'page', status: 200, ms: 0.4, bytes: 7600 });
 * reads.flush(); // "[Access] Published files: 1 answer in 10.0 s (200: 1), 7.6 kB; slowest 0.4 ms GET /"
 */
export function createReadTally(log: Log, now: () => number): ReadTally {
  let since = now();
  let answers = 0;
  let bytes = 0;
  let statuses = new Map<number, number>();
  let paths = new Map<string, number>();
  let slowest: AccessEntry | undefined;
  return {
    add(entry) {
      answers++;
      bytes += entry.bytes;
      statuses.set(entry.status, (statuses.get(entry.status) ?? 0) + 1);
      const path = paths.has(entry.path) || paths.size < PATHS_KEPT ? entry.path : '(other paths)';
      paths.set(path, (paths.get(path) ?? 0) + 1);
      if (!slowest || entry.ms > slowest.ms) slowest = entry;
    },
    flush() {
      const at = now();
      const seconds = Math.max(0, (at - since) / 1000);
      since = at;
      if (!answers || !slowest) return;
      const byStatus = Object.fromEntries([...statuses].sort(([a], [b]) => a - b).map(([status, n]) => [String(status), n]));
      const busiest = Object.fromEntries([...paths].sort((a, b) => b[1] - a[1]).slice(0, BUSIEST));
      const counts = Object.entries(byStatus)
        .map(([status, n]) => `${status}: ${n}`)
        .join(', ');
      log.info(
        `[Access] Published files: ${answers} ${answers === 1 ? 'answer' : 'answers'} in ${seconds.toFixed(1)} s (${counts}), ${formatBytes(bytes)}; slowest ${slowest.ms} ms ${slowest.method} ${slowest.path}`,
        {
          reads: answers,
          seconds: Math.round(seconds * 10) / 10,
          statuses: byStatus,
          bytes,
          busiest,
          slowest: { method: slowest.method, path: slowest.path, status: slowest.status, ms: slowest.ms },
        },
      );
      answers = 0;
      bytes = 0;
      statuses = new Map();
      paths = new Map();
      slowest = undefined;
    },
  };
}

function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}
