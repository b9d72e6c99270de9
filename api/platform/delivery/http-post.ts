import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { assertTargetUrl, guardedLookup } from './ssrf.ts';

export type PostResult = { status: number; body: string };

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

export type GetOptions = PostOptions & {
  /** Prefixes its errors ("[Signals] …"); "[Webhooks]" when absent. */
  subsystem?: string;
};

/**
 * POSTs a body to a webhook target with the SSRF guard on every hop: 307/308 redirects are
 * followed (at most three, each target checked again); any other redirect is returned as is.
 * Rejects when the whole exchange has not finished within the deadline. This is Herald's one
 * client for outbound HTTP: webhooks, Slack, freshness and escalation webhooks, PagerDuty.
 */
export async function guardedPost(target: string, body: string, headers: Record<string, string>, options: PostOptions): Promise<PostResult> {
  return guardedRequest('POST', target, body, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers }, options);
}

/**
 * GETs a target through the same guard, redirects and deadline as `guardedPost`, answering the
 * whole body (up to `maxAnswerBytes`; longer answers are cut there): what a query API answers
 * is read, not only its status. Used for Prometheus' query API (api/features/signals).
 */
export async function guardedGet(target: string, headers: Record<string, string>, options: GetOptions): Promise<PostResult> {
  return guardedRequest('GET', target, null, headers, { ...options, keepWholeAnswer: true });
}

type RequestOptions = GetOptions & { keepWholeAnswer?: boolean };

async function guardedRequest(
  method: 'GET' | 'POST',
  target: string,
  body: string | null,
  headers: Record<string, string>,
  options: RequestOptions,
): Promise<PostResult> {
  const deadlineMs = options.deadlineMs ?? POST_DEADLINE_MS;
  const deadline = AbortSignal.timeout(deadlineMs);
  const subsystem = options.subsystem ?? 'Webhooks';
  let url = new URL(target);
  for (let hop = 0; hop <= 3; hop++) {
    const guarded = !(options.configuredTarget && hop === 0);
    if (guarded) assertTargetUrl(url, options.allowLocal);
    const result = await requestOnce(method, url, body, headers, { ...options, deadline, deadlineMs, guarded, subsystem });
    if ((result.status === 307 || result.status === 308) && result.location && hop < 3) {
      url = new URL(result.location, url);
      continue;
    }
    return { status: result.status, body: result.body };
  }
  throw new Error(`[${subsystem}] Too many redirects.`);
}

function requestOnce(
  method: 'GET' | 'POST',
  url: URL,
  body: string | null,
  headers: Record<string, string>,
  options: RequestOptions & { deadline: AbortSignal; deadlineMs: number; guarded: boolean; subsystem: string },
) {
  const maxBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const late = () => new Error(`[${options.subsystem}] ${url.origin} did not finish answering within ${options.deadlineMs / 1000} s; gave up.`);
  return new Promise<PostResult & { location: string | undefined }>((resolve, reject) => {
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
        headers: { 'user-agent': `Herald-${options.subsystem}`, ...headers },
        ...(options.guarded ? { lookup: guardedLookup(options.allowLocal) } : {}),
        signal: options.deadline,
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const whole = Buffer.concat(chunks).toString('utf8');
          const text = options.keepWholeAnswer ? whole : whole.slice(0, 2000);
          settle(() => resolve({ status: response.statusCode ?? 0, body: text, location: response.headers.location }));
        };
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
          else {
            // Enough: the status is known, and a receiver cannot keep Herald reading forever.
            done();
            request.destroy();
          }
        });
        response.on('end', done);
        response.on('error', fail);
        response.on('close', () => fail(new Error(`[${options.subsystem}] ${url.origin} closed the connection mid-answer.`)));
      },
    );
    request.on('error', fail);
    request.end(body ?? undefined);
  });
}
