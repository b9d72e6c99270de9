import { describe, expect, it } from 'vitest';
import {
  computeUptime,
  createUptimeMemo,
  DOWNTIME_WEIGHT,
  nextUptimeRollover,
  uptimeWindowStart,
  type StatusChange,
  type UptimeInput,
} from '../../../api/features/services/uptime.ts';
import type { ServiceStatus } from '../../../api/shared/vocabulary.ts';

const NOW = new Date('2026-11-27T12:00:00.000Z');
/** Minutes measured over the window at NOW: 90 days, each whole, today too. */
const MEASURED_MIN = 90 * 1440;

/** A service created long ago, operational, no history; override what the test is about. */
const makeInput = (overrides: Partial<UptimeInput> = {}): UptimeInput => ({
  createdAt: '2025-01-01T00:00:00.000Z',
  status: 'operational',
  changes: [],
  incidents: [],
  now: NOW,
  ...overrides,
});

/** A status held from `at` for `minutes`, then operational again. */
const spell = (status: ServiceStatus, at: string, minutes: number): StatusChange[] => [
  { at, from: 'operational', to: status },
  { at: new Date(Date.parse(at) + minutes * 60_000).toISOString(), from: status, to: 'operational' },
];

const day = (input: UptimeInput, date: string) => computeUptime(input).days.find((d) => d.date === date);

describe('computeUptime', () => {
  it('shows 90 days, oldest first, today last, each labelled with its date', () => {
    const { days, percent } = computeUptime(makeInput());
    expect(days).toHaveLength(90);
    expect(days[0]).toEqual({ date: '2026-08-30', level: 'ok', label: '30 Aug 2026: no downtime' });
    expect(days.at(-1)).toEqual({ date: '2026-11-27', level: 'ok', label: '27 Nov 2026: no downtime' });
    expect(percent).toBe('100.00');
  });

  it('names the outage, its length and the incidents that touched the day', () => {
    const input = makeInput({
      changes: spell('partial_outage', '2026-11-03T10:00:00.000Z', 42),
      incidents: [{ ref: 'INC-17', startedAt: '2026-11-03T09:58:00.000Z', resolvedAt: '2026-11-03T10:45:00.000Z' }],
    });
    expect(day(input, '2026-11-03')).toEqual({ date: '2026-11-03', level: 'partial', label: '3 Nov 2026: partial outage 42 min — INC-17' });
    expect(day(input, '2026-11-04')?.label).toBe('4 Nov 2026: no downtime');
  });

  it.each<[ServiceStatus, number, string, string]>([
    ['major_outage', 1, 'major', '99.95'],
    ['partial_outage', 0.3, 'partial', '99.98'],
    ['degraded_performance', 0.1, 'degraded', '99.99'],
    ['under_maintenance', 0, 'ok', '100.00'],
  ])('counts an hour of %s at weight %s', (status, weight, level, percent) => {
    expect(DOWNTIME_WEIGHT[status]).toBe(weight);
    const input = makeInput({ changes: spell(status, '2026-11-10T06:00:00.000Z', 60) });
    expect(day(input, '2026-11-10')?.level).toBe(level);
    // 60 weighted minutes of MEASURED_MIN, rounded down to hundredths.
    expect(computeUptime(input).percent).toBe((Math.floor(((MEASURED_MIN - 60 * weight) / MEASURED_MIN) * 10_000 + 1e-9) / 100).toFixed(2));
    expect(computeUptime(input).percent).toBe(percent);
  });

  it('leaves maintenance out of the day’s words and out of the downtime', () => {
    const input = makeInput({ changes: spell('under_maintenance', '2026-11-10T06:00:00.000Z', 120) });
    expect(day(input, '2026-11-10')?.label).toBe('10 Nov 2026: no downtime');
  });

  it('splits an interval crossing midnight between its two days', () => {
    const input = makeInput({ changes: spell('major_outage', '2026-11-05T23:30:00.000Z', 90) });
    expect(day(input, '2026-11-05')?.label).toBe('5 Nov 2026: major outage 30 min');
    expect(day(input, '2026-11-06')?.label).toBe('6 Nov 2026: major outage 1 h');
    expect(day(input, '2026-11-07')?.level).toBe('ok');
  });

  it('counts an open outage up to now, and lists an open incident on every day it spans', () => {
    const input = makeInput({
      status: 'major_outage',
      changes: [{ at: '2026-11-26T22:00:00.000Z', from: 'operational', to: 'major_outage' }],
      incidents: [{ ref: 'INC-9', startedAt: '2026-11-26T22:00:00.000Z', resolvedAt: null }],
    });
    expect(day(input, '2026-11-26')?.label).toBe('26 Nov 2026: major outage 2 h — INC-9');
    expect(day(input, '2026-11-27')?.label).toBe('27 Nov 2026: major outage 12 h — INC-9');
    expect(computeUptime(input).percent).toBe((Math.floor(((MEASURED_MIN - 14 * 60) / MEASURED_MIN) * 10_000) / 100).toFixed(2));
  });

  it('tells every status of a day, worst first, and draws the day by its worst', () => {
    const input = makeInput({
      changes: [
        { at: '2026-11-12T08:00:00.000Z', from: 'operational', to: 'degraded_performance' },
        { at: '2026-11-12T08:20:00.000Z', from: 'degraded_performance', to: 'major_outage' },
        { at: '2026-11-12T08:25:00.000Z', from: 'major_outage', to: 'operational' },
      ],
      incidents: [
        { ref: 'INC-12', startedAt: '2026-11-12T08:00:00.000Z', resolvedAt: '2026-11-12T09:00:00.000Z' },
        { ref: 'INC-3', startedAt: '2026-11-10T08:00:00.000Z', resolvedAt: '2026-11-12T00:10:00.000Z' },
      ],
    });
    expect(day(input, '2026-11-12')).toEqual({
      date: '2026-11-12',
      level: 'major',
      label: '12 Nov 2026: major outage 5 min, degraded performance 20 min — INC-3, INC-12',
    });
    expect(day(input, '2026-11-11')?.label).toBe('11 Nov 2026: no downtime — INC-3');
  });

  it('takes the status before the first change in the window from that change, and the current status without any', () => {
    // Down since before the window opened: the first change in it says what it left.
    const recovering = makeInput({ changes: [{ at: '2026-09-01T00:00:00.000Z', from: 'major_outage', to: 'operational' }] });
    expect(
      computeUptime(recovering)
        .days.slice(0, 2)
        .map((d) => d.label),
    ).toEqual(['30 Aug 2026: major outage 1 d', '31 Aug 2026: major outage 1 d']);
    expect(day(recovering, '2026-09-01')?.level).toBe('ok');
    const alwaysDegraded = computeUptime(makeInput({ status: 'degraded_performance' }));
    expect(alwaysDegraded.days.every((d) => d.level === 'degraded')).toBe(true);
    // Degraded (weight 0.1) for 89.5 of 90 days: today's hours ahead are not counted down.
    expect(alwaysDegraded.percent).toBe('90.05');
  });

  it('shows the days before a new service existed as no data, and counts each of its days whole from its first', () => {
    const input = makeInput({ createdAt: '2026-11-20T18:00:00.000Z', changes: spell('major_outage', '2026-11-21T00:00:00.000Z', 60) });
    const { days, percent, counted, since } = computeUptime(input);
    expect(days.filter((d) => d.level === 'none')).toHaveLength(82);
    expect(day(input, '2026-11-19')).toEqual({ date: '2026-11-19', level: 'none', label: '19 Nov 2026: no data' });
    expect(day(input, '2026-11-20')?.level).toBe('ok');
    // 20–27 Nov: 8 days of 1,440 minutes (its first day and today whole too), 60 min down.
    expect({ counted, since }).toEqual({ counted: 8, since: '2026-11-20' });
    expect(percent).toBe((Math.floor(((8 * 1440 - 60) / (8 * 1440)) * 10_000) / 100).toFixed(2));
    expect(percent).toBe('99.47');
  });

  it('counts a 2-minute outage on a service created minutes ago as 2 of the day’s 1,440 minutes, over one day', () => {
    const input = makeInput({ createdAt: '2026-11-27T11:50:00.000Z', changes: spell('major_outage', '2026-11-27T11:55:00.000Z', 2) });
    const uptime = computeUptime(input);
    expect(uptime.percent).toBe('99.86');
    expect({ counted: uptime.counted, since: uptime.since }).toEqual({ counted: 1, since: '2026-11-27' });
    expect(uptime.days.at(-1)?.label).toBe('27 Nov 2026: major outage 2 min');
  });

  it.each([
    ['its first day', '2026-11-20T23:00:00.000Z'],
    ['a day in the middle', '2026-11-24T06:00:00.000Z'],
    ['today', '2026-11-27T11:00:00.000Z'],
  ])('weighs an outage the same on %s: every day counts whole', (_name, at) => {
    const input = makeInput({ createdAt: '2026-11-20T22:00:00.000Z', changes: spell('major_outage', at, 30) });
    // 30 of 8 × 1,440 minutes, wherever they fall.
    expect(computeUptime(input).percent).toBe('99.73');
  });

  it('counts the days of history entered with past times, older than the service’s creation', () => {
    // Incidents imported (or a demo written) with past times: the service was created today, its history is older.
    const created = '2026-11-27T09:00:00.000Z';
    const input = makeInput({
      createdAt: created,
      changes: spell('partial_outage', '2026-10-14T10:00:00.000Z', 45),
      incidents: [{ ref: 'INC-2', startedAt: '2026-10-14T10:00:00.000Z', resolvedAt: '2026-10-14T11:15:00.000Z' }],
    });
    const uptime = computeUptime(input);
    expect(day(input, '2026-10-14')).toEqual({ date: '2026-10-14', level: 'partial', label: '14 Oct 2026: partial outage 45 min — INC-2' });
    expect(day(input, '2026-10-13')?.level).toBe('none');
    expect({ counted: uptime.counted, since: uptime.since, startDate: uptime.startDate, createdAt: uptime.createdAt }).toEqual({
      counted: 45,
      since: '2026-10-14',
      startDate: '2026-10-14',
      createdAt: created,
    });
    // History older than the window (known to the data layer only): every day of the window counts, and the start date tells the day.
    const older = computeUptime(makeInput({ createdAt: created, knownSince: '2026-01-05T08:00:00.000Z' }));
    expect({ counted: older.counted, since: older.since, startDate: older.startDate }).toEqual({ counted: 90, since: '2026-08-30', startDate: '2026-01-05' });
  });

  it('starts a long-known service’s date on its creation day', () => {
    expect(computeUptime(makeInput()).startDate).toBe('2025-01-01');
    expect(computeUptime(makeInput()).counted).toBe(90);
  });

  it('counts today for a service created this instant, and nothing for one created ahead of the clock', () => {
    const now = computeUptime(makeInput({ createdAt: NOW.toISOString() }));
    expect({ percent: now.percent, counted: now.counted, since: now.since }).toEqual({ percent: '100.00', counted: 1, since: '2026-11-27' });
    const ahead = computeUptime(makeInput({ createdAt: '2026-11-27T12:00:01.000Z' }));
    expect({ percent: ahead.percent, counted: ahead.counted, since: ahead.since }).toEqual({ percent: null, counted: 0, since: null });
    expect(ahead.days.every((d) => d.level === 'none')).toBe(true);
  });

  it.each<[string, number, string]>([
    ['no downtime', 0, '100.00'],
    ['one minute down, which rounding to nearest would hide', 1, '99.99'],
    ['exactly 0.05 % down', MEASURED_MIN * 0.0005, '99.95'],
    ['just over 0.05 % down', MEASURED_MIN * 0.0005 + 1, '99.94'],
    // Down since the window opened: today's hours still ahead are not downtime (89.5 of 90 days down).
    ['down all along until now', MEASURED_MIN, '0.55'],
  ])('rounds the percentage down to two decimals: %s', (_name, minutes, percent) => {
    const start = uptimeWindowStart(NOW).toISOString();
    const changes = minutes ? spell('major_outage', start, minutes).filter((c) => Date.parse(c.at) < NOW.getTime()) : [];
    expect(computeUptime(makeInput({ changes })).percent).toBe(percent);
  });

  it('opens the window at UTC midnight 89 days before today, and rolls over at the next midnight', () => {
    expect(uptimeWindowStart(NOW).toISOString()).toBe('2026-08-30T00:00:00.000Z');
    expect(nextUptimeRollover(NOW).toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(nextUptimeRollover(new Date('2026-11-27T23:59:59.999Z')).toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(nextUptimeRollover(new Date('2026-11-28T00:00:00.000Z')).toISOString()).toBe('2026-11-29T00:00:00.000Z');
  });
});

describe('createUptimeMemo', () => {
  it('answers exactly what computeUptime does, publish after publish, as the clock, the day, the status and the history move', () => {
    const memo = createUptimeMemo();
    const past = spell('partial_outage', '2026-10-03T10:00:00.000Z', 42);
    const today = spell('degraded_performance', '2026-11-27T08:00:00.000Z', 30);
    const open = { ref: 'INC-9', startedAt: '2026-11-27T11:00:00.000Z', resolvedAt: null };
    const steps: Partial<UptimeInput>[] = [
      { changes: past },
      { changes: past, now: new Date('2026-11-27T12:00:01.000Z') },
      { changes: past, now: new Date('2026-11-27T18:31:00.000Z') },
      { changes: [...past, ...today], now: new Date('2026-11-27T18:32:00.000Z') },
      { changes: [...past, ...today], incidents: [open], now: new Date('2026-11-27T18:40:00.000Z') },
      // Down now: its minutes grow with the clock.
      {
        changes: [...past, ...today, { at: '2026-11-27T18:45:00.000Z', from: 'operational', to: 'major_outage' }],
        status: 'major_outage',
        incidents: [open],
        now: new Date('2026-11-27T19:00:00.000Z'),
      },
      {
        changes: [...past, ...today, { at: '2026-11-27T18:45:00.000Z', from: 'operational', to: 'major_outage' }],
        status: 'major_outage',
        incidents: [open],
        now: new Date('2026-11-27T19:30:00.000Z'),
      },
      { changes: [...past, ...today], incidents: [open], now: new Date('2026-11-27T23:59:59.000Z') },
      // Midnight: every bar moves one day.
      { changes: [...past, ...today], incidents: [open], now: new Date('2026-11-28T00:00:01.000Z') },
      { changes: [...past, ...today], incidents: [open], now: new Date('2026-11-28T09:00:00.000Z') },
      // A service created at the very moment of a publish: today has no data yet, then it has.
      { createdAt: '2026-11-28T09:30:00.000Z', now: new Date('2026-11-28T09:30:00.000Z') },
      { createdAt: '2026-11-28T09:30:00.000Z', now: new Date('2026-11-28T09:31:00.000Z') },
    ];
    for (const step of steps) {
      const input = makeInput(step);
      expect(memo('api', input), JSON.stringify(step.now)).toEqual(computeUptime(input));
    }
  });

  it('keeps the days of an unchanged service between publishes, and only them', () => {
    const memo = createUptimeMemo();
    const changes = spell('major_outage', '2026-11-01T10:00:00.000Z', 60);
    const first = memo('api', makeInput({ changes }));
    const later = memo('api', makeInput({ changes, now: new Date('2026-11-27T13:00:00.000Z') }));
    expect(later.days).toBe(first.days);
    const changed = memo(
      'api',
      makeInput({ changes: [...changes, ...spell('degraded_performance', '2026-11-27T12:30:00.000Z', 10)], now: new Date('2026-11-27T13:00:00.000Z') }),
    );
    expect(changed.days).not.toBe(first.days);
  });
});
