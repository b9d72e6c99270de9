/**
 * The terminal form of a log line (LOG_FORMAT=pretty): time, level, what it belongs to, the
 * message, then the other fields as key=value and an error's stack indented below. Pure.
 * @example prettyLine('{"level":"info","time":"2026-03-10T12:00:00.000Z","reqId":"r1","msg":"GET / 200"}')
 * // '12:00:00.000 INFO  GET / 200 (req r1)\n'
 */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const { level, time, msg, reqId, job, err, pid: _pid, hostname: _hostname, ...rest } = entry;
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const owner = reqId ? ` (req ${String(reqId)})` : job ? ` (${String(job)})` : '';
  const text = String(msg ?? '');
  const fields = Object.entries(rest)
    // A request line's message already says its method, path, status and time.
    .filter(([, value]) => !(typeof value !== 'object' && text.includes(String(value))))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  let line = `${clock} ${String(level ?? '').toUpperCase().padEnd(5)} ${text}${fields ? ` ${fields}` : ''}${owner}\n`;
  const stack = (err as { stack?: unknown } | undefined)?.stack;
  if (typeof stack === 'string') line += `${stack.replace(/^/gm, '    ')}\n`;
  return line;
}
