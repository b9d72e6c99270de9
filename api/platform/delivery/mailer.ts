import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';

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
  /** Parallel SMTP connections in the pool (nodemailer's default is 5). */
  maxConnections?: number;
};

/**
 * A transport made at the first mail: nodemailer is a large library (2 MB of heap, more of
 * resident memory) that a process which sends no mail — most of the time, between incidents —
 * need not hold.
 */
// biome-ignore lint/suspicious/noExplicitAny: nodemailer's transports differ in their sent-info type; any of them will do here.
function lazyTransport<T extends Transporter<any>>(make: (nodemailer: typeof import('nodemailer').default) => T) {
  let transport: Promise<T> | undefined;
  let closed = false;
  return {
    get: () =>
      closed ? Promise.reject(new Error('[Mail] The mailer is closed.')) : (transport ??= import('nodemailer').then((module) => make(module.default))),
    close() {
      if (closed) return;
      closed = true;
      void transport?.then((t) => t.close());
    },
  };
}

/**
 * One pooled nodemailer transport for the whole process. SMTP errors are thrown with
 * nodemailer's `responseCode` intact, so the caller can tell a 4xx (retry) from a 5xx (give up).
 */
export function createMailer(options: MailerOptions): Mailer {
  if (options.smtpUrl) {
    const smtpUrl = options.smtpUrl;
    const transport = lazyTransport((nodemailer) =>
      nodemailer.createTransport({
        url: smtpUrl,
        pool: true,
        maxConnections: options.maxConnections ?? 5,
        maxMessages: Infinity,
        ...(options.ratePerSecond ? { rateLimit: options.ratePerSecond, rateDelta: 1000 } : {}),
      }),
    );
    return {
      kind: 'smtp',
      async send(message) {
        const info = await (await transport.get()).sendMail({ from: options.from, ...message });
        return { accepted: info.accepted.length > 0, response: String(info.response ?? '') };
      },
      close: () => transport.close(),
    };
  }
  const transport = lazyTransport((nodemailer) => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
  // Mail holds subscribers' addresses and secret links: the owner alone may read it (the
  // chmod also closes a folder an earlier version made with the umask's mode).
  mkdirSync(options.outboxDir, { recursive: true, mode: 0o700 });
  chmodSync(options.outboxDir, 0o700);
  return {
    kind: 'files',
    async send(message) {
      const info = await (await transport.get()).sendMail({ from: options.from, ...message });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${(message.messageId ?? info.messageId).replace(/[^a-zA-Z0-9@._-]/g, '')}.eml`;
      const file = join(options.outboxDir, name);
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      options.log?.info(`[Mail] No SMTP_URL: wrote "${message.subject}" to ${message.to} as ${file}`);
      return { accepted: true, response: `written to ${file}` };
    },
    close: () => transport.close(),
  };
}
