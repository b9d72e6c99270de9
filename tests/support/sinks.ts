import { createServer, type Server } from 'node:http';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** `to` is the envelope's recipients joined by commas, `recipients` the same as a list, `from` the envelope's sender (MAIL FROM). */
export type ReceivedMail = { to: string; recipients: string[]; from: string; subject: string; raw: string; parsed: ParsedMail };

/**
 * A real SMTP server on 127.0.0.1 (smtp-server) that keeps what it receives, parsed by
 * mailparser. `failNext(address, code)` makes the next delivery to an address fail with that code.
 * With `keep: false` it keeps nothing and only hands each raw message to `onMessage`.
 */
export async function startSmtpSink(options: { parse?: boolean; keep?: boolean; onMessage?: (raw: string) => void } = {}) {
  const mails: ReceivedMail[] = [];
  let count = 0;
  const failures = new Map<string, number[]>();
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const queue = failures.get(address.address.toLowerCase());
      const code = queue?.shift();
      if (code) {
        const error = Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: code });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const to = recipients.join(',');
        options.onMessage?.(raw);
        // A sink for millions of mails (the crash test at full scale) keeps none of them.
        if (options.keep !== false) {
          const parsed = options.parse === false ? (null as unknown as ParsedMail) : await simpleParser(raw);
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          mails.push({ to, recipients, from, subject: parsed?.subject ?? '', raw, parsed });
        }
        count++;
        for (const w of waiters.filter((w) => count >= w.n)) w.resolve();
        callback();
      });
    },
  });
  // A client killed mid-session (the crash test) resets its connection: expected, not a failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    count: () => count,
    to: (address: string) => mails.filter((m) => m.to === address.toLowerCase()),
    failNext(address: string, ...codes: number[]) {
      failures.set(address.toLowerCase(), codes);
    },
    /** Resolves once `n` mails have arrived in total. */
    waitFor(n: number, timeoutMs = 30_000) {
      if (count >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${count} of ${n} mails arrived in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;

/** A real HTTP endpoint standing in for a Slack incoming webhook or a webhook receiver: keeps every JSON body, its raw text and headers. */
export async function startWebhookSink(status = 200): Promise<{ url: string; bodies: any[]; close(): Promise<void> }> {
  const bodies: any[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      bodies.push({ contentType: req.headers['content-type'], json: JSON.parse(body || 'null'), raw: body, headers: req.headers });
      res.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A webhook receiver that answers 200 only after `delayMs`: a slow receiver, counting the requests it got. */
export async function startSlowReceiver(delayMs: number): Promise<{ url: string; requests(): number; close(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    req.resume();
    setTimeout(() => res.writeHead(200).end('ok'), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** Waits until `check` is truthy (polling), or fails after `timeoutMs` with `what`. */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
