import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SmtpPool } from './smtp-pool.ts';

export type MailMessage = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Stable per (notice, recipient), so a resend after a crash is recognisable as the same mail. */
  messageId?: string;
  headers?: Record<string, string>;
  /** Files sent with it (a maintenance mail's .ics). */
  attachments?: { filename: string; content: string; contentType: string }[];
};

/** Where mail goes: an SMTP relay, or (no SMTP_URL, the demo) .eml files — never nowhere. */
export type Mailer = {
  send(message: MailMessage): Promise<{ accepted: boolean; response: string }>;
  close(): void;
  readonly kind: 'smtp' | 'files';
};

export type MailerOptions = {
  smtpUrl?: string | undefined;
  from: string;
  outboxDir: string;
  log?: Pick<Console, 'info'>;
  /** At most this many messages a second through the pool (MAIL_RATE_PER_SECOND); 0 or absent: no limit. */
  ratePerSecond?: number;
  /** Parallel SMTP connections to the relay (SMTP_POOL_SIZE). */
  maxConnections?: number;
};

/** SMTP_POOL_SIZE's default: parallel connections to the relay. */
export const DEFAULT_SMTP_POOL_SIZE = 8;

/**
 * What sending needs, loaded at the first mail: the SMTP code (nodemailer's connection and
 * encoders) is a heap a process that sends no mail — most of the time, between incidents —
 * need not hold.
 */
function lazy<T>(make: () => Promise<T>) {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/**
 * One pool of SMTP connections for the whole process (api/platform/delivery/smtp-pool.ts),
 * each mail built in one pass (api/platform/delivery/mime.ts). SMTP errors are thrown with
 * nodemailer's `responseCode` and `command` intact, so the caller can tell a recipient refused
 * for good from a relay that is down (api/platform/delivery/retry.ts).
 */
export function createMailer(options: MailerOptions): Mailer {
  const mime = lazy(async () => {
    const { buildMime, parseSender } = await import('./mime.ts');
    const sender = parseSender(options.from);
    return (message: MailMessage) => buildMime(sender, message, new Date());
  });
  if (options.smtpUrl) {
    const smtpUrl = options.smtpUrl;
    let closed = false;
    let opened: Promise<SmtpPool> | undefined;
    const pool = () =>
      (opened ??= import('./smtp-pool.ts').then(({ createSmtpPool }) =>
        createSmtpPool({ url: smtpUrl, size: options.maxConnections ?? DEFAULT_SMTP_POOL_SIZE, ratePerSecond: options.ratePerSecond }),
      ));
    return {
      kind: 'smtp',
      async send(message) {
        if (closed) throw new Error('[Mail] The mailer is closed.');
        const [build, smtp] = await Promise.all([mime(), pool()]);
        const info = await smtp.send(build(message));
        return { accepted: info.accepted.length > 0, response: info.response };
      },
      close() {
        if (closed) return;
        closed = true;
        void opened?.then((p) => p.close());
      },
    };
  }
  // Mail holds subscribers' addresses and secret links: the owner alone may read it (the
  // chmod also closes a folder an earlier version made with the umask's mode).
  mkdirSync(options.outboxDir, { recursive: true, mode: 0o700 });
  chmodSync(options.outboxDir, 0o700);
  return {
    kind: 'files',
    async send(message) {
      const built = (await mime())(message);
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${built.messageId.replace(/[^a-zA-Z0-9@._-]/g, '')}.eml`;
      const file = join(options.outboxDir, name);
      writeFileSync(file, built.raw, { mode: 0o600 });
      options.log?.info(`[Mail] No SMTP_URL: wrote "${message.subject}" to ${message.to} as ${file}`);
      return { accepted: true, response: `written to ${file}` };
    },
    close: () => {},
  };
}
