/**
 * A client of the Prometheus HTTP query API (`/api/v1/query`, `/api/v1/query_range`), spoken
 * by Prometheus, Thanos, Mimir and VictoriaMetrics alike. Every request goes through Herald's
 * one outbound client (api/platform/delivery/http-post.ts) with its deadline and redirect checks.
 */
import { guardedGet } from '../../platform/delivery/http-post.ts';

/** The longest one query may take: a slow Prometheus delays only the job, never a publish. */
const QUERY_DEADLINE_MS = 10_000;
/** A 30-day chart is a few hundred points; far more means a wrong expression (thousands of series). */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export type PrometheusSettings = {
  url: string;
  bearerToken: string | null;
  basicAuth: string | null;
  /** WEBHOOK_ALLOW_LOCAL: a redirect from PROMETHEUS_URL to a loopback or private address is followed too. */
  allowLocal?: boolean;
};

/** One series of an answer: its labels and its [unix seconds, value] points. */
export type Series = { metric: Record<string, string>; values: [number, number][] };

/** What Prometheus said was wrong (400/422 with `status: "error"`): a bad expression, not an outage. */
export class QueryRefusedError extends Error {
  override readonly name = 'QueryRefusedError';
  readonly errorType: string;
  readonly detail: string;
  constructor(errorType: string, detail: string) {
    super(`[Signals] Prometheus refused the query (${errorType}): ${detail}`);
    this.errorType = errorType;
    this.detail = detail;
  }
}

export type PrometheusClient = {
  /** The origin queried, for /healthz and messages (never the credentials). */
  readonly source: string;
  /** An instant query at `at`: each series' one value. */
  query(expression: string, at: Date, deadlineMs?: number): Promise<Series[]>;
  /** A range query from `start` to `end` every `stepSeconds`. */
  queryRange(expression: string, start: Date, end: Date, stepSeconds: number): Promise<Series[]>;
};

export function createPrometheusClient(settings: PrometheusSettings): PrometheusClient {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (settings.bearerToken) headers.authorization = `Bearer ${settings.bearerToken}`;
  else if (settings.basicAuth) headers.authorization = `Basic ${Buffer.from(settings.basicAuth).toString('base64')}`;
  const source = new URL(settings.url).origin;

  async function call(path: string, params: Record<string, string>, deadlineMs = QUERY_DEADLINE_MS): Promise<Series[]> {
    const url = `${settings.url}${path}?${new URLSearchParams(params)}`;
    // PROMETHEUS_URL is the operator's own setting (like FRESHNESS_WEBHOOK_URL): reached as configured,
    // an internal address included; a redirect elsewhere is still checked by the guard.
    const answer = await guardedGet(url, headers, {
      allowLocal: settings.allowLocal ?? false,
      configuredTarget: true,
      deadlineMs,
      maxAnswerBytes: MAX_ANSWER_BYTES,
      subsystem: 'Signals',
    }).catch((error: Error) => {
      const words = error.message.replace(/^\[\w+\] /, '');
      if (error.name === 'ForbiddenTargetError') throw new Error(`[Signals] ${source} redirected where Herald does not follow: ${words}`, { cause: error });
      throw new Error(error.message.startsWith('[Signals]') ? error.message : `[Signals] ${source} does not answer: ${words}`, { cause: error });
    });
    let body: { status?: string; errorType?: string; error?: string; data?: { resultType?: string; result?: unknown } };
    try {
      body = JSON.parse(answer.body);
    } catch {
      throw new Error(
        `[Signals] ${source} answered ${answer.status} without a query API answer; check PROMETHEUS_URL (it names the server, e.g. http://prometheus:9090).`,
      );
    }
    if (body.status === 'error') {
      // 400 bad_data, 422 execution: the expression is at fault. 503/5xx: Prometheus is.
      if (answer.status === 400 || answer.status === 422) throw new QueryRefusedError(body.errorType ?? 'error', body.error ?? 'no reason given');
      throw new Error(`[Signals] ${source} answered ${answer.status}: ${body.errorType ?? 'error'}: ${body.error ?? 'no reason given'}`);
    }
    if (answer.status !== 200 || body.status !== 'success' || !body.data)
      throw new Error(`[Signals] ${source} answered ${answer.status}; check PROMETHEUS_URL and its credentials.`);
    return toSeries(body.data.resultType, body.data.result);
  }

  return {
    source,
    query: (expression, at, deadlineMs) => call('/api/v1/query', { query: expression, time: String(at.getTime() / 1000) }, deadlineMs),
    queryRange: (expression, start, end, stepSeconds) =>
      call('/api/v1/query_range', { query: expression, start: String(start.getTime() / 1000), end: String(end.getTime() / 1000), step: String(stepSeconds) }),
  };
}

/** Vectors, matrices and scalars as series of numeric points (NaN and ±Inf kept out). */
function toSeries(resultType: string | undefined, result: unknown): Series[] {
  const point = (p: unknown): [number, number] | null => {
    if (!Array.isArray(p) || p.length < 2) return null;
    const value = Number(p[1]);
    return Number.isFinite(value) ? [Number(p[0]), value] : null;
  };
  if (resultType === 'scalar') {
    const p = point(result);
    return p ? [{ metric: {}, values: [p] }] : [];
  }
  if (!Array.isArray(result)) return [];
  return result.map((r: { metric?: Record<string, string>; value?: unknown; values?: unknown[] }) => ({
    metric: r.metric ?? {},
    values: (resultType === 'matrix' ? (r.values ?? []) : [r.value]).map(point).filter((p): p is [number, number] => p !== null),
  }));
}
