/**
 * Herald's log: pino, one JSON object a line (level, time, msg, and `reqId` or `job`), or the
 * same lines made readable for a terminal. Secrets never get out: pino redacts known fields,
 * and every finished line goes through the scrubber (api/logging/scrub.ts) before it is
 * written, so a token inside a message or a stack trace is caught too.
 */
import { pino, type Logger } from 'pino';
import type { Log } from '../log.ts';
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

const CENSOR = '[redacted]';
/** Fields that hold credentials wherever they appear (top level or one object down). */
const SECRET_FIELDS = ['password', 'token', 'secret', 'authorization', 'cookie', 'authToken', 'adminToken', 'metricsToken', 'databaseAuthToken', 'smtpUrl'];

export function createLogger(options: LoggerOptions): Logger {
  const scrub = makeScrubber(options.secrets);
  const out = options.destination ?? process.stdout;
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
      redact: { paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`), 'headers["set-cookie"]', '*.headers["set-cookie"]'], censor: CENSOR },
    },
    stream,
  );
}

/**
 * Herald's `Log` call shape on a pino logger: `log.error('[Outbox] A batch failed:', error)`
 * becomes `{ level: 'error', msg: '[Outbox] A batch failed: <its message>', err: { type, message, stack } }`.
 * Strings make the message, an Error becomes `err`, plain objects are merged as fields.
 */
export function toLog(logger: Logger): Log {
  const write = (level: 'info' | 'warn' | 'error') => (...args: unknown[]) => {
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
