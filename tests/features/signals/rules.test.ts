/** The signals feature's pure rules: which days to fetch, how a measured day is drawn and counted, a chart's geometry. */
import { describe, expect, it } from 'vitest';
import { availabilityQueries, chartGeometry, measuredLevel, measuredUptime, sourcesFromCatalogue } from '../../../api/features/signals/index.ts';
import { daysToFetch, SETTLE_MS } from '../../../api/features/signals/rules.ts';
import { ENGLISH } from '../../../api/shared/messages.ts';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const posted = { createdAt: '2026-01-01T00:00:00.000Z', startDate: '2026-01-01' };

describe('daysToFetch', () => {
  it('asks for all 90 days on a first run, today last, today up to now', () => {
    const days = daysToFetch(new Map(), 'up', NOW);
    expect(days).toHaveLength(90);
    expect(days.at(-1)).toEqual({ day: '2026-03-10', at: NOW, seconds: 12 * 3600, complete: false });
    expect(days[0]).toMatchObject({ day: '2025-12-11', seconds: 86_400, complete: true });
  });

  it('asks again only for today once every earlier day is stored complete for the same expression', () => {
    const stored = new Map(daysToFetch(new Map(), 'up', NOW).map((d) => [d.day, { query: 'up', complete: d.complete }]));
    expect(daysToFetch(stored, 'up', NOW).map((d) => d.day)).toEqual(['2026-03-10']);
    // An edited expression is measured anew.
    expect(daysToFetch(stored, 'up == 1', NOW)).toHaveLength(90);
  });

  it.each([
    ['09:59 after midnight', SETTLE_MS - 60_000, false],
    ['10:00 after midnight', SETTLE_MS, true],
  ])('takes yesterday as final only once it has settled (%s)', (_, after, complete) => {
    const now = new Date(Date.parse('2026-03-10T00:00:00.000Z') + after);
    expect(daysToFetch(new Map(), 'up', now, 2)[0]).toMatchObject({ day: '2026-03-09', complete });
  });
});

describe('measuredLevel', () => {
  it.each([
    [1, 'ok'],
    [0.9999, 'degraded'],
    [0.99, 'degraded'],
    [0.9899, 'partial'],
    [0.95, 'partial'],
    [0.9499, 'major'],
    [0, 'major'],
  ] as const)('draws a day %s available as %s', (availability, level) => {
    expect(measuredLevel(availability)).toBe(level);
  });
});

describe('measuredUptime', () => {
  it('weighs each day by the points measured in it, and leaves days without data out', () => {
    const uptime = measuredUptime({
      days: [
        { day: '2026-03-08', availability: 1, samples: 1440 },
        { day: '2026-03-09', availability: null, samples: 0 },
        { day: '2026-03-10', availability: 0.5, samples: 720 },
      ],
      now: NOW,
      messages: ENGLISH,
      posted,
    });
    // 360 of 2,160 points down.
    expect(uptime.percent).toBe('83.33');
    expect(uptime.counted).toBe(2);
    expect(uptime.since).toBe('2026-03-08');
    expect(uptime.basis).toBe('monitoring');
    expect(uptime.days.slice(-3).map((d) => [d.level, d.label])).toEqual([
      ['ok', '8 Mar 2026: no downtime measured'],
      ['none', '9 Mar 2026: no data'],
      ['major', '10 Mar 2026: 50.00 % available, as measured'],
    ]);
    expect(uptime.days).toHaveLength(90);
    expect(uptime).toMatchObject(posted);
  });

  it('has no figure before anything was measured', () => {
    expect(measuredUptime({ days: [], now: NOW, messages: ENGLISH, posted }).percent).toBeNull();
  });
});

describe('availabilityQueries', () => {
  it('averages the expression’s series and measures it over the seconds asked, at the evaluation interval', () => {
    expect(availabilityQueries('probe_success{job="b"}', 600)).toEqual({
      average: 'avg_over_time((avg(probe_success{job="b"}))[600s:])',
      samples: 'count_over_time((avg(probe_success{job="b"}))[600s:])',
      highest: 'max_over_time((avg(probe_success{job="b"}))[600s:])',
    });
  });
});

describe('chartGeometry', () => {
  it('places time across and values up from 0, and draws nothing without points', () => {
    expect(
      chartGeometry(
        [
          [0, 0],
          [5, 10],
          [10, 5],
        ],
        0,
        10,
        100,
        50,
      ),
    ).toEqual({
      path: 'M0 50L50 0L100 25',
      dots: [
        { x: 0, y: 50 },
        { x: 50, y: 0 },
        { x: 100, y: 25 },
      ],
      min: 0,
      max: 10,
    });
    expect(chartGeometry([], 0, 10, 100, 50).path).toBe('');
  });
});

describe('sourcesFromCatalogue', () => {
  it('takes each service’s availability and its metrics in their order', () => {
    const sources = sourcesFromCatalogue({
      groups: [
        {
          slug: 'core',
          name: 'Core',
          services: [
            {
              slug: 'api',
              name: 'API',
              description: '',
              availability: 'up',
              metrics: [
                { title: 'A', query: 'a', unit: 'ms' },
                { title: 'B', query: 'b', unit: '' },
              ],
            },
            { slug: 'web', name: 'Web', description: '' },
          ],
        },
      ],
    });
    expect(sources).toEqual({
      availability: [{ slug: 'api', query: 'up' }],
      metrics: [
        { slug: 'api', position: 0, title: 'A', query: 'a', unit: 'ms' },
        { slug: 'api', position: 1, title: 'B', query: 'b', unit: '' },
      ],
    });
  });
});
