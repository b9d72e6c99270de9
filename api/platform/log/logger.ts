/**
 * Herald's log: pino, one JSON object a line (level, time, msg, and `reqId` or `job`), or the
 * same lines made readable for a terminal. Secrets never get out: every finished line goes
 * through the scrubber (api/platform/log/scrub.ts) before it is written, which blanks the values of
 * credential fields at any depth and a token inside a message or a stack trace alike. (pino's
 * own `redact` did the fields, at 40 µs a line: more than the access log's whole budget.)
 */
import { pino, type Logger } from 'pino';
import type { Log } from './log.ts';
import { requestContext } from './context.ts';
import { prettyLine } from './pretty.ts';
import { makeScrubber } from './scrub.ts';

export type LogFormat = 'json' | 'pretty';

export type LoggerOptions = {
  format: LogFormat;
  /** Values that must never appear in the log (HERALD_SECRET, tokens, the SMTP password …). */
  secrets: readonly (string | undefined | null)[];
  /** Where lines go; standard output unless a test captures them. */
  destination?: { write(line: string): unknown };
  /** Bindings on every line, e.g. `{ job: 'backup' }` for a tool. */
  base?: Record<string, string>;
};

export function createLogger(options: LoggerOptions): Logger {
  const scrub = makeScrubber(options.secrets);
  const out = options.destination ?? standardOutput;
  const stream = {
    write(line: string) {
      const clean = scrub(line);
      out.write(options.format === 'pretty' ? prettyLine(clean) : clean);
    },
  };
  return pino(
    {
      base: { pid: process.pid, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const context = requestContext.getStore();
        return context ? { reqId: context.reqId } : {};
      },
    },
    stream,
  );
}

/**
 * Standard output, one write per turn of the event loop: under load the access log is a line
 * per request, and a write system call each (standard output to a file or a pipe is synchronous
 * on Linux) cost more than answering the request. Lines keep their order and leave within the
 * turn that wrote them; whatever is pending when the process exits, however it exits, is
 * written first.
 */
const standardOutput = (() => {
  let pending: string[] = [];
  let listening = false;
  const flush = () => {
    if (!pending.length) return;
    const chunk = pending.join('');
    pending = [];
    process.stdout.write(chunk);
  };
  return {
    write(line: string) {
      if (!listening) {
        process.on('exit', flush);
        listening = true;
      }
      if (!pending.length) setImmediate(flush);
      pending.push(line);
    },
  };
})();

/** One access-log line: a request answered, as `observeRequests` records it. */
export type AccessEntry = { reqId: string; method: string; path: string; route: string; status: number; ms: number; bytes: number };

/**
 * The access log's line for a published file, written straight to the log's destination in
 * the log's own shape (the same fields, in the same order, as `log.info` would write, pretty
 * or JSON): at tens of thousands of requests a second, going through pino and the scrubber
 * was most of what a published file cost. Nothing in it needs scrubbing: the path is one the
 * snapshot published (a page, a feed), the method one node:http parsed, the id one Herald
 * made or checked.
 */
export function createAccessLog(options: Pick<LoggerOptions, 'format' | 'destination' | 'base'>): (entry: AccessEntry) => void {
  const out = options.destination ?? standardOutput;
  const head = `{"level":"info","time":"`;
  const bindings = JSON.stringify({ pid: process.pid, ...options.base }).slice(1, -1);
  return (e) => {
    const msg = `${e.method} ${e.path} ${e.status} ${e.ms} ms`;
    const line = `${head}${new Date().toISOString()}",${bindings},"reqId":${JSON.stringify(e.reqId)},"method":${JSON.stringify(e.method)},"path":${JSON.stringify(e.path)},"route":"${e.route}","status":${e.status},"ms":${e.ms},"bytes":${e.bytes},"msg":${JSON.stringify(msg)}}\n`;
    out.write(options.format === 'pretty' ? prettyLine(line) : line);
  };
}

/**
 * Herald's `Log` call shape on a pino logger: `log.error('[Outbox] A batch failed:', error)`
 * becomes `{ level: 'error', msg: '[Outbox] A batch failed: <its message>', err: { type, message, stack } }`.
 * Strings make the message, an Error becomes `err`, plain objects are merged as fields.
 */
export function toLog(logger: Logger): Log {
  const write =
    (level: 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const words: string[] = [];
      const fields: Record<string, unknown> = {};
      let err: Error | undefined;
      for (const arg of args) {
        if (arg instanceof Error && !err) err = arg;
        else if (typeof arg === 'string') words.push(arg);
        else if (arg !== null && typeof arg === 'object' && !(arg instanceof Error)) Object.assign(fields, arg);
        else words.push(String(arg));
      }
      let msg = words.join(' ');
      // `log.error('[X] failed:', error)` reads as one sentence with the error's own words.
      if (err && (msg === '' || msg.endsWith(':'))) msg = `${msg} ${err.message}`.trim();
      logger[level](err ? { ...fields, err } : fields, msg);
    };
  return { info: write('info'), warn: write('warn'), error: write('error'), child: (bindings) => toLog(logger.child(bindings)) };
}
