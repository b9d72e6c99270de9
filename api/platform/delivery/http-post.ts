import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { assertTargetUrl, guardedLookup } from './ssrf.ts';

export type PostResult = { status: number; body: string };

/** A GET's answer: its status, its whole body (within the cap) and the headers a poller needs. */
export type GetResult = { status: number; body: string; headers: { etag?: string; lastModified?: string; retryAfter?: string } };

/**
 * The longest one delivery may take, every redirect, the wait for an answer and its body
 * included. A total, not an idle, timeout: a receiver that sends one byte every few seconds
 * is cut off here like one that sends nothing.
 */
const POST_DEADLINE_MS = 10_000;
/** The most of an answer's body that is read; the status is what counts, the rest is dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

export type PostOptions = {
  /** WEBHOOK_ALLOW_LOCAL: loopback, private and plain-http targets are allowed (development only). */
  allowLocal: boolean;
  /**
   * The target is the operator's own setting (FRESHNESS_WEBHOOK_URL, a webhook or PagerDuty
   * endpoint in content/escalation.json), not something an API client registered: it is
   * reached as configured — an internal chat over http, say. Where it redirects is not the
   * operator's choice, so every redirect is still checked.
   */
  configuredTarget?: boolean;
  deadlineMs?: number;
  maxAnswerBytes?: number;
};

/**
 * POSTs a body to a webhook target with the SSRF guard on every hop: 307/308 redirects are
 * followed (at most three, each target checked again); any other redirect is returned as is.
 * Rejects when the whole exchange has not finished within the deadline. This is Herald's one
 * client for outbound HTTP: webhooks, Slack, freshness and escalation webhooks, PagerDuty, and
 * (with `guardedGet`) the upstream providers' status pages and Prometheus' query API.
 */
export async function guardedPost(target: string, body: string, headers: Record<string, string>, options: PostOptions): Promise<PostResult> {
  const deadlineMs = options.deadlineMs ?? POST_DEADLINE_MS;
  const deadline = AbortSignal.timeout(deadlineMs);
  let url = new URL(target);
  for (let hop = 0; hop <= 3; hop++) {
    const guarded = !(options.configuredTarget && hop === 0);
    if (guarded) assertTargetUrl(url, options.allowLocal);
    const result = await exchangeOnce('POST', url, body, headers, { ...options, deadline, deadlineMs, guarded, overflow: 'keep-status' });
    if ((result.status === 307 || result.status === 308) && result.location && hop < 3) {
      url = new URL(result.location, url);
      continue;
    }
    return { status: result.status, body: result.body };
  }
  throw new Error('[Webhooks] Too many redirects.');
}

/** The most of a GET's body that is read; a larger answer is refused, not cut (a cut JSON document is no document). */
const MAX_GET_BYTES = 2 * 1024 * 1024;

export type GetOptions = {
  allowLocal: boolean;
  deadlineMs?: number;
  maxAnswerBytes?: number;
  /** The operator's own setting (PROMETHEUS_URL): the first hop is reached as configured, every redirect is checked (as for `guardedPost`). */
  configuredTarget?: boolean;
  /** Whose request, for the errors: "[Signals] …", "[Upstreams] …"; "[HTTP]" when absent. */
  subsystem?: string;
};

/**
 * GETs a document with the same SSRF guard on every hop as `guardedPost` (redirects 301, 302,
 * 303, 307 and 308 are followed, at most three, each target checked again). Rejects when the
 * exchange has not finished within the deadline, or when the body is larger than the cap.
 * Conditional requests are the caller's: pass `if-none-match` / `if-modified-since` in
 * `headers` and read `etag` / `lastModified` from the result (a 304 has an empty body).
 */
export async function guardedGet(target: string, headers: Record<string, string>, options: GetOptions): Promise<GetResult> {
  const deadlineMs = options.deadlineMs ?? POST_DEADLINE_MS;
  const deadline = AbortSignal.timeout(deadlineMs);
  let url = new URL(target);
  for (let hop = 0; hop <= 3; hop++) {
    const guarded = !(options.configuredTarget && hop === 0);
    if (guarded) assertTargetUrl(url, options.allowLocal);
    const result = await exchangeOnce('GET', url, null, headers, {
      ...options,
      maxAnswerBytes: options.maxAnswerBytes ?? MAX_GET_BYTES,
      deadline,
      deadlineMs,
      guarded,
      overflow: 'refuse',
    });
    if ([301, 302, 303, 307, 308].includes(result.status) && result.location && hop < 3) {
      url = new URL(result.location, url);
      continue;
    }
    return { status: result.status, body: result.body, headers: result.headers };
  }
  throw new Error(`[${options.subsystem ?? 'HTTP'}] ${target} redirected more than three times; gave up.`);
}

type ExchangeOptions = PostOptions & {
  subsystem?: string;
  deadline: AbortSignal;
  deadlineMs: number;
  guarded: boolean;
  /** Past the cap: keep the status and drop the rest (a delivery), or refuse the answer (a document). */
  overflow: 'keep-status' | 'refuse';
};

function exchangeOnce(method: 'GET' | 'POST', url: URL, body: string | null, headers: Record<string, string>, options: ExchangeOptions) {
  const maxBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const subsystem = `[${options.subsystem ?? (method === 'POST' ? 'Webhooks' : 'HTTP')}]`;
  const late = () => new Error(`${subsystem} ${url.origin} did not finish answering within ${options.deadlineMs / 1000} s; gave up.`);
  return new Promise<GetResult & { location: string | undefined }>((resolve, reject) => {
    if (options.deadline.aborted) return reject(late());
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    const fail = (error: Error) => settle(() => reject(options.deadline.aborted ? late() : error));
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method,
        headers:
          body === null
            ? { accept: 'application/json', 'user-agent': 'Herald', ...headers }
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Herald-Webhooks', ...headers },
        ...(options.guarded ? { lookup: guardedLookup(options.allowLocal) } : {}),
        signal: options.deadline,
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const header = (name: string) => {
          const value = response.headers[name];
          return typeof value === 'string' ? value : undefined;
        };
        const done = () => {
          const whole = Buffer.concat(chunks).toString('utf8');
          const text = options.overflow === 'refuse' ? whole : whole.slice(0, 2000);
          const kept = { etag: header('etag'), lastModified: header('last-modified'), retryAfter: header('retry-after') };
          const answerHeaders = Object.fromEntries(Object.entries(kept).filter(([, v]) => v !== undefined));
          settle(() => resolve({ status: response.statusCode ?? 0, body: text, headers: answerHeaders, location: response.headers.location }));
        };
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
          else if (options.overflow === 'refuse') {
            fail(new Error(`${subsystem} ${url.origin} answered more than ${Math.round(maxBytes / 1024)} KiB; refused.`));
            request.destroy();
          } else {
            // Enough: the status is known, and a receiver cannot keep Herald reading forever.
            done();
            request.destroy();
          }
        });
        response.on('end', done);
        response.on('error', fail);
        response.on('close', () => fail(new Error(`${subsystem} ${url.origin} closed the connection mid-answer.`)));
      },
    );
    request.on('error', fail);
    request.end(body ?? undefined);
  });
}
