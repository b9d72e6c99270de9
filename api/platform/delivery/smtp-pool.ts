/**
 * A pool of SMTP connections to one relay (SMTP_URL), each a nodemailer SMTPConnection that
 * sends one ready-made message (api/platform/delivery/mime.ts) at a time. Up to `size`
 * connections run side by side; a connection is kept for the next message and closed after
 * `idleMs` without one. It does what nodemailer's pooled transport does for Herald — connect,
 * log in, send, reset after a refused envelope, replace a connection the relay dropped — without
 * its per-message composing and plugin machinery, which cost Herald most of its CPU in a fan-out.
 * Errors are nodemailer's own (`code`, `responseCode`, `command`), so api/platform/delivery/retry.ts
 * judges them as before.
 */
import { Readable } from 'node:stream';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Mime } from './mime.ts';

export type SmtpPoolOptions = {
  url: string;
  /** Parallel connections (SMTP_POOL_SIZE). */
  size: number;
  /** At most this many messages begun a second; 0 or absent: no limit (MAIL_RATE_PER_SECOND). */
  ratePerSecond?: number | undefined;
  /** A connection unused this long is closed (it is opened again when needed). */
  idleMs?: number;
};

export type SmtpPool = {
  send(mime: Mime): Promise<{ accepted: string[]; rejected: string[]; response: string }>;
  close(): void;
};

type Resource = { connection: SMTPConnection; messages: number; alive: boolean; connected: boolean; idle?: NodeJS.Timeout | undefined };
type SendInfo = { accepted: string[]; rejected: string[]; response: string };

/** A connection the relay closed or that broke, as opposed to a refusal (a 421 is a refusal, judged by retry.ts). */
const broken = (e: SMTPConnection.SMTPError) => e.responseCode === undefined && ['ECONNECTION', 'ESOCKET', 'ETIMEDOUT'].includes(String(e.code));
const closedError = () => Object.assign(new Error('[Mail] The mailer is closed.'), { code: 'ECONNECTION', command: 'API' });

export function createSmtpPool(options: SmtpPoolOptions): SmtpPool {
  const settings = parseConnectionUrl(options.url);
  const idleMs = options.idleMs ?? 30_000;
  const idle: Resource[] = [];
  const waiters: { resolve: (r: Resource) => void; reject: (e: unknown) => void }[] = [];
  let open = 0;
  /** Connections being opened: never more than the sends waiting, so each failure is told to a send that asked. */
  let connecting = 0;
  let closed = false;
  // The rate limit: how many messages began in the current one-second window.
  let windowStart = 0;
  let inWindow = 0;

  /** Closes a connection for good; one that was in the pool makes room for another. */
  function drop(resource: Resource) {
    if (!resource.alive) return;
    resource.alive = false;
    clearTimeout(resource.idle);
    resource.connection.close();
    if (!resource.connected) return; // still connecting: `grow` counts it and tells its waiter
    const at = idle.indexOf(resource);
    if (at >= 0) idle.splice(at, 1);
    open--;
    void grow();
  }

  /** Opens and logs in one more connection; rejects with the relay's error. */
  function connect(): Promise<Resource> {
    const connection = new SMTPConnection({ ...settings, logger: false });
    const resource: Resource = { connection, messages: 0, alive: true, connected: false };
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (!settled) (settled = true), reject(error);
        drop(resource);
      };
      // A relay that closes an idle connection, or one that breaks between messages: dropped and
      // replaced when needed. An error during a send also reaches that send's callback.
      connection.on('error', fail);
      connection.once('end', () => fail(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION', command: 'CONN' })));
      connection.connect((error) => {
        if (error) return fail(error);
        const auth = settings.auth as { user?: string; pass?: string } | undefined;
        const ready = () => {
          if (settled || !resource.alive) return;
          settled = true;
          resource.connected = true;
          resolve(resource);
        };
        if (!auth || !(auth.user || auth.pass) || !connection.allowsAuth) return ready();
        connection.login({ user: auth.user ?? '', pass: auth.pass ?? '' } as SMTPConnection.AuthenticationCredentials, (loginError) =>
          loginError ? fail(loginError) : ready(),
        );
      });
    });
  }

  /** Starts a connection for the first waiter, while under `size`. */
  async function grow() {
    if (closed || connecting >= waiters.length || open >= options.size) return;
    open++;
    connecting++;
    let resource: Resource;
    try {
      resource = await connect().finally(() => connecting--);
    } catch (error) {
      open--;
      // The relay cannot be reached or refused the login: the waiter gets the relay's error, and
      // the next waiter tries a connection of its own (as nodemailer's pool does).
      waiters.shift()?.reject(error);
      void grow();
      return;
    }
    release(resource);
  }

  function release(resource: Resource) {
    if (!resource.alive) return;
    const waiter = waiters.shift();
    if (waiter) return waiter.resolve(resource);
    if (closed) return drop(resource);
    idle.push(resource);
    resource.idle = setTimeout(() => drop(resource), idleMs);
    resource.idle.unref();
  }

  function acquire(): Promise<Resource> {
    if (closed) return Promise.reject(closedError());
    const resource = idle.pop();
    if (resource) {
      clearTimeout(resource.idle);
      return Promise.resolve(resource);
    }
    const waiting = new Promise<Resource>((resolve, reject) => waiters.push({ resolve, reject }));
    void grow();
    return waiting;
  }

  /** Waits while the rate limit's window is full. */
  async function paced() {
    const rate = options.ratePerSecond ?? 0;
    if (!rate) return;
    for (;;) {
      const now = Date.now();
      if (now - windowStart >= 1000) (windowStart = now), (inWindow = 0);
      if (inWindow < rate) return void inWindow++;
      await new Promise((resolve) => setTimeout(resolve, windowStart + 1000 - now));
    }
  }

  /** Sends on one connection; `retry` says whether a dropped connection that took nothing may try another. */
  async function sendOnce(mime: Mime, mayRetry: boolean): Promise<SendInfo> {
    const resource = await acquire();
    const reused = resource.messages > 0;
    const body = Readable.from([mime.raw]);
    return new Promise<SendInfo>((resolve, reject) => {
      resource.connection.send(mime.envelope, body, (error, info) => {
        resource.messages++;
        if (!error) {
          release(resource);
          return resolve({ accepted: info.accepted.map(String), rejected: info.rejected.map(String), response: String(info.response ?? '') });
        }
        const e = error as SMTPConnection.SMTPError;
        // Not a byte of the message went over a connection the relay had closed meanwhile: it
        // goes out over another connection, as nodemailer's pool does.
        if (mayRetry && reused && body.readableDidRead === false && broken(e)) {
          drop(resource);
          return resolve(sendOnce(mime, false));
        }
        // The relay refused this envelope or message; the connection itself is fine.
        if ((e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && e.responseCode !== 421 && resource.alive) {
          resource.connection.reset((resetError) => (resetError ? drop(resource) : release(resource)));
        } else drop(resource);
        reject(error);
      });
    });
  }

  return {
    async send(mime) {
      await paced();
      return sendOnce(mime, true);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const waiter of waiters.splice(0)) waiter.reject(closedError());
      for (const resource of [...idle]) drop(resource);
    },
  };
}
