/**
 * Control characters as escapes: C0 (CR and LF among them), DEL, C1 and the Unicode line and
 * paragraph separators. Text that reaches the log from outside (a title, a remote server's
 * answer) then cannot start a line of its own that looks like Herald's, nor move the cursor or
 * recolour an operator's terminal (ESC).
 * @example visible('Down\r\n12:00:00.000 INFO  forged') // 'Down\\r\\n12:00:00.000 INFO  forged'
 */
export const visible = (text: string): string =>
  text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/**
 * The terminal form of a log line (LOG_FORMAT=pretty): time, level, what it belongs to, the
 * message, then the other fields as key=value and an error's stack indented below, each line of
 * it. Every value is shown `visible`: one entry is one line (plus its stack). Pure.
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
  let line = `${visible(
    `${clock} ${String(level ?? '')
      .toUpperCase()
      .padEnd(5)} ${text}${fields ? ` ${fields}` : ''}${owner}`,
  )}\n`;
  const { stack, message } = (err ?? {}) as { stack?: unknown; message?: unknown };
  if (typeof stack === 'string') {
    // The stack opens with the error's message, which may hold anything: made visible whole, so
    // only the stack's own frames start lines, each indented under the entry.
    const framed = typeof message === 'string' && message ? stack.replace(message, () => visible(message)) : stack;
    line += `${framed
      .split('\n')
      .map((part) => `    ${visible(part)}`)
      .join('\n')}\n`;
  }
  return line;
}
