import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createRequestHistogram } from '../../../api/platform/metrics/request-histogram.ts';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

describe('the hand-kept request histogram', () => {
  it('exposes exactly what prom-client’s Histogram exposes for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = createRequestHistogram({ name: 'herald_http_request_duration_seconds', help: 'Time to answer.', buckets: BUCKETS, registers: [ours] });
    const reference = new Histogram({
      name: 'herald_http_request_duration_seconds',
      help: 'Time to answer.',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS,
      registers: [theirs],
    });
    const observations: [Record<string, string>, number][] = [
      [{ method: 'GET', route: 'page', status: '200' }, 0.0004],
      [{ method: 'GET', route: 'page', status: '200' }, 0.001], // on a bound: counts in it
      [{ method: 'GET', route: 'page', status: '200' }, 0.0031],
      [{ method: 'GET', route: 'page', status: '304' }, 0.2],
      [{ method: 'POST', route: 'admin-api:incidents', status: '201' }, 0.042],
      [{ method: 'POST', route: 'admin-api:incidents', status: '201' }, 12], // past the last bound: +Inf only
    ];
    for (const [labels, value] of observations) {
      fast.series(labels).observe(value);
      reference.observe(labels, value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  it('keeps one series per set of labels, however often it is asked for', async () => {
    const registry = new Registry();
    const histogram = createRequestHistogram({ name: 'h_seconds', help: 'h', buckets: [1], registers: [registry] });
    histogram.series({ route: 'page' }).observe(0.5);
    histogram.series({ route: 'page' }).observe(2);
    const text = await registry.metrics();
    expect(text).toContain('h_seconds_bucket{le="1",route="page"} 1');
    expect(text).toContain('h_seconds_bucket{le="+Inf",route="page"} 2');
    expect(text).toContain('h_seconds_count{route="page"} 2');
    expect(text).toContain('h_seconds_sum{route="page"} 2.5');
  });
});
