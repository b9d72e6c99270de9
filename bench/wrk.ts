import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type WrkResult = {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The slowest response wrk saw (timeouts aside). */
  maxMs: number;
  requests: number;
  /** Socket errors wrk saw: connect, read, write. */
  socketErrors: number;
  timeouts: number;
  /** Answers with a status outside 2xx/3xx. */
  errorResponses: number;
  bytesPerResponse: number;
};

/** wrk's "1.23ms", "456.00us", "1.2s" in milliseconds. */
function ms(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 'ms' ? value : match[2] === 's' ? value * 1000 : value * 60_000;
}

function bytes(text: string): number {
  const match = /^([\d.]+)([KMG]?B)$/.exec(text.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * ({ B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 } as Record<string, number>)[match[2] as string]!;
}

/**
 * Runs wrk (one thread, loopback) against `url` and reads its report: requests/s, latency
 * percentiles (--latency) and the slowest, socket errors, timeouts and non-2xx/3xx answers.
 */
export async function wrk(
  url: string,
  options: {
    connections: number;
    seconds: number;
    headers?: Record<string, string>;
    timeoutSeconds?: number /** A Lua script shaping each request (`wrk -s`). */;
    script?: string;
  },
): Promise<WrkResult> {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', `--timeout`, `${options.timeoutSeconds ?? 2}s`];
  if (options.script) args.push('-s', options.script);
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  args.push(url);
  const { stdout } = await run('wrk', args, { timeout: (options.seconds + 30) * 1000, maxBuffer: 1024 * 1024 });
  const number = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? 0);
  const requests = number(/(\d+) requests in/);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const read = /requests in [\d.]+\w+, ([\d.]+\w+) read/.exec(stdout)?.[1];
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: ms(/\s50%\s+(\S+)/.exec(stdout)?.[1] ?? ''),
    p99Ms: ms(/\s99%\s+(\S+)/.exec(stdout)?.[1] ?? ''),
    maxMs: ms(/Latency\s+\S+\s+\S+\s+(\S+)/.exec(stdout)?.[1] ?? ''),
    requests,
    socketErrors: socket ? Number(socket[1]) + Number(socket[2]) + Number(socket[3]) : 0,
    timeouts: socket ? Number(socket[4]) : 0,
    errorResponses: number(/Non-2xx or 3xx responses: (\d+)/),
    bytesPerResponse: requests && read ? Math.round(bytes(read) / requests) : 0,
  };
}
