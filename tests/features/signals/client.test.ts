/**
 * The Prometheus client through Herald's one outbound client: credentials as the settings give
 * them, the whole of a long answer read, a redirect from PROMETHEUS_URL judged by the SSRF guard,
 * and an outage told apart from a refused expression. The far side is a loopback HTTP server
 * answering as the query API (or a proxy in front of it, Mimir's or Grafana Cloud's) does.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusClient, QueryRefusedError } from '../../../api/features/signals/index.ts';

let server: ReturnType<typeof createServer>;
let base = '';
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
/** Points in a range answer: enough for a body far over the 2,000 characters the poster keeps of an answer. */
const POINTS = 2000;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://x');
    const query = url.searchParams.get('query') ?? '';
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    // A Prometheus behind a path that moved: to another machine's loopback, or to this server's own API.
    if (url.pathname.startsWith('/moved-away/')) return res.writeHead(307, { location: 'http://127.0.0.1:1/admin' }).end();
    if (url.pathname.startsWith('/moved-here/')) return res.writeHead(307, { location: `${url.pathname.replace('/moved-here', '')}${url.search}` }).end();
    if (query === 'down') return json(503, { status: 'error', errorType: 'unavailable', error: 'TSDB not ready' });
    if (query === 'bad{') return json(400, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error' });
    if (url.pathname === '/api/v1/query_range')
      return json(200, {
        status: 'success',
        data: { resultType: 'matrix', result: [{ metric: {}, values: Array.from({ length: POINTS }, (_, i) => [1_800_000_000 + i * 60, String(i)]) }] },
      });
    json(200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1_800_000_000, '1'] }] } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const at = new Date('2027-01-15T08:00:00Z');

describe('the Prometheus client', () => {
  it('sends PROMETHEUS_BEARER_TOKEN or PROMETHEUS_BASIC_AUTH with every query', async () => {
    await createPrometheusClient({ url: base, bearerToken: 'tok-123', basicAuth: null }).query('up', at);
    expect(seen.at(-1)?.headers.authorization).toBe('Bearer tok-123');
    await createPrometheusClient({ url: base, bearerToken: null, basicAuth: 'herald:s3cret:x' }).query('up', at);
    expect(seen.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from('herald:s3cret:x').toString('base64')}`);
    expect(seen.at(-1)?.url).toBe(`/api/v1/query?query=up&time=${at.getTime() / 1000}`);
  });

  it('reads every point of a long range answer', async () => {
    const series = await createPrometheusClient({ url: base, bearerToken: null, basicAuth: null }).queryRange('latency', at, at, 60);
    expect(series[0]?.values).toHaveLength(POINTS);
    expect(series[0]?.values.at(-1)).toEqual([1_800_000_000 + (POINTS - 1) * 60, POINTS - 1]);
  });

  it('reaches PROMETHEUS_URL on loopback as configured, but refuses its redirect to a loopback address', async () => {
    const client = createPrometheusClient({ url: `${base}/moved-away`, bearerToken: null, basicAuth: null });
    await expect(client.query('up', at)).rejects.toThrow(
      /^\[Signals\] http:\/\/127\.0\.0\.1:\d+ redirected where Herald does not follow: http:\/\/127\.0\.0\.1:1 is not https/,
    );
    await expect(createPrometheusClient({ url: `${base}/moved-here`, bearerToken: null, basicAuth: null }).query('up', at)).rejects.toThrow('is not https');
    // With WEBHOOK_ALLOW_LOCAL (development), the redirect is followed.
    const allowed = createPrometheusClient({ url: `${base}/moved-here`, bearerToken: null, basicAuth: null, allowLocal: true });
    expect(await allowed.query('up', at)).toHaveLength(1);
    expect(seen.at(-1)?.url).toMatch(/^\/api\/v1\/query\?query=up/);
  });

  it('tells a refused expression (400) from Prometheus being unavailable (503) or away', async () => {
    const client = createPrometheusClient({ url: base, bearerToken: null, basicAuth: null });
    await expect(client.query('bad{', at)).rejects.toBeInstanceOf(QueryRefusedError);
    await expect(client.query('bad{', at)).rejects.toThrow('parse error');
    const down = await client.query('down', at).catch((e: Error) => e);
    expect(down).not.toBeInstanceOf(QueryRefusedError);
    expect((down as Error).message).toMatch(/\[Signals\] .* answered 503: unavailable: TSDB not ready/);
    await expect(createPrometheusClient({ url: 'http://127.0.0.1:1', bearerToken: null, basicAuth: null }).query('up', at)).rejects.toThrow(
      /\[Signals\] http:\/\/127\.0\.0\.1:1 does not answer: .*ECONNREFUSED/,
    );
  });
});
