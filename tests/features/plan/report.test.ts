import { describe, expect, it } from 'vitest';
import { planReport, PlanReportQuery, stat, updateDeadlines, type ReportIncident } from '../../../api/features/plan/report.ts';

const at = (hhmm: string, day = '2026-03-10') => `${day}T${hhmm}:00.000Z`;
const NOW = new Date('2026-03-20T00:00:00.000Z');
const RANGE = { from: '2026-03-01', to: '2026-03-31' };

function makeReportIncident(overrides: Partial<ReportIncident> = {}): ReportIncident {
  return {
    severity: 'P0',
    detectedAt: at('10:00'),
    acknowledgedAt: null,
    resolvedAt: null,
    postmortemCompletedAt: null,
    updates: [],
    actionItems: [],
    ...overrides,
  };
}

describe('stat', () => {
  it.each([
    [[], { mean: null, p90: null }],
    [[60], { mean: 60, p90: 60 }],
    [[60, 120, 600], { mean: 260, p90: 600 }],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { mean: 6, p90: 9 }],
    [[10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 100], { mean: 14, p90: 10 }],
  ])('gives the mean and nearest-rank 90th percentile of %j', (values, expected) => {
    expect(stat(values)).toEqual(expected);
  });
});

describe('MTTA and MTTR', () => {
  it('measures acknowledgement and resolution from detection, per severity', () => {
    const report = planReport(
      [
        makeReportIncident({ acknowledgedAt: at('10:02'), resolvedAt: at('10:40') }),
        makeReportIncident({ acknowledgedAt: at('10:06'), resolvedAt: at('11:20') }),
        makeReportIncident({ severity: 'P2', acknowledgedAt: null, resolvedAt: null }),
      ],
      RANGE,
      NOW,
      30,
    );
    expect(report.bySeverity.P0).toEqual({
      incidents: 2,
      acknowledged: 2,
      resolved: 2,
      mttaSeconds: { mean: 240, p90: 360 },
      mttrSeconds: { mean: 3600, p90: 4800 },
    });
    expect(report.bySeverity.P2).toMatchObject({ incidents: 1, acknowledged: 0, mttaSeconds: { mean: null, p90: null } });
    expect(report.bySeverity.P1.incidents).toBe(0);
  });

  it.each([
    ['04:59', true],
    ['05:00', false],
    ['05:01', false],
  ])('meets the P0 MTTA target when acknowledged %s after detection: %s', (gap, met) => {
    const report = planReport([makeReportIncident({ acknowledgedAt: `2026-03-10T10:${gap}.000Z` })], RANGE, NOW, 30);
    expect(report.targets.P0.mtta).toEqual({ targetSeconds: 300, met });
    expect(report.targets.P1.mtta.met).toBeNull();
  });

  it.each([
    ['P0', at('10:59'), true],
    ['P0', at('11:00'), false],
    ['P1', at('13:59'), true],
    ['P1', at('14:00'), false],
  ] as const)('judges %s MTTR against the plan (resolved at %s: met %s)', (severity, resolvedAt, met) => {
    const report = planReport([makeReportIncident({ severity, resolvedAt })], RANGE, NOW, 30);
    expect(report.targets[severity].mttr.met).toBe(met);
  });

  it('counts only incidents detected within the inclusive range of UTC days', () => {
    const incidents = [
      makeReportIncident({ detectedAt: '2026-02-28T23:59:59.999Z' }),
      makeReportIncident({ detectedAt: '2026-03-01T00:00:00.000Z' }),
      makeReportIncident({ detectedAt: '2026-03-31T23:59:59.999Z' }),
      makeReportIncident({ detectedAt: '2026-04-01T00:00:00.000Z' }),
    ];
    expect(planReport(incidents, RANGE, NOW, 30).bySeverity.P0.incidents).toBe(2);
  });
});

describe('postmortems', () => {
  const resolvedAt = at('12:00');
  it.each([
    ['completed within 48 hours', '2026-03-12T12:00:00.000Z', NOW, { due: 1, onTime: 1, late: 0, missing: 0 }],
    ['completed after 48 hours', '2026-03-12T12:00:00.001Z', NOW, { due: 1, onTime: 0, late: 1, missing: 0 }],
    ['not completed, deadline passed', null, new Date('2026-03-12T12:00:01.000Z'), { due: 1, onTime: 0, late: 0, missing: 1 }],
    ['not completed, still in time', null, new Date('2026-03-12T11:59:59.000Z'), { due: 0, onTime: 0, late: 0, missing: 0 }],
  ])('counts a P0 postmortem %s', (_, postmortemCompletedAt, now, expected) => {
    expect(planReport([makeReportIncident({ resolvedAt, postmortemCompletedAt })], RANGE, now, 30).postmortems).toEqual(expected);
  });

  it('owes none for P2/P3 or for an unresolved incident', () => {
    const report = planReport(
      [makeReportIncident({ severity: 'P2', resolvedAt }), makeReportIncident({ severity: 'P3', resolvedAt }), makeReportIncident()],
      RANGE,
      NOW,
      30,
    );
    expect(report.postmortems.due).toBe(0);
  });
});

describe('action items', () => {
  it('rates completion within 30 days over the items whose 30 days are up or that are done in time', () => {
    const created = '2026-03-10T12:00:00.000Z';
    const report = planReport(
      [
        makeReportIncident({
          actionItems: [
            { createdAt: created, completedAt: '2026-04-09T12:00:00.000Z' }, // exactly 30 days: in time
            { createdAt: created, completedAt: '2026-04-09T12:00:00.001Z' }, // late
            { createdAt: created, completedAt: null }, // 30 days up, not done
            { createdAt: created, completedAt: null }, // ditto
          ],
        }),
        makeReportIncident({ detectedAt: at('10:00', '2026-03-25'), actionItems: [{ createdAt: '2026-03-25T12:00:00.000Z', completedAt: null }] }),
      ],
      RANGE,
      new Date('2026-04-10T00:00:00.000Z'),
      30,
    );
    expect(report.actionItems).toEqual({ total: 5, done: 2, doneWithin30Days: 1, completionRate: 0.25, target: 0.9 });
  });

  it('has no rate while nothing can be measured yet', () => {
    const report = planReport([makeReportIncident({ actionItems: [{ createdAt: at('12:00'), completedAt: null }] })], RANGE, new Date(at('13:00')), 30);
    expect(report.actionItems.completionRate).toBeNull();
  });
});

describe('the 30-minute update rule', () => {
  const update = (createdAt: string, status = 'investigating', nextUpdateBy: string | null = null) => ({ status, createdAt, nextUpdateBy });

  it.each([
    ['10:29', 1],
    ['10:30', 1],
    ['10:31', 0],
  ])('counts the next update at %s against a 10:30 promise as on time %i time(s)', (next, onTime) => {
    expect(updateDeadlines([update(at('10:00'), 'investigating', at('10:30')), update(at(next), 'resolved')], NOW, 30)).toEqual({ due: 1, onTime });
  });

  it('holds each update to its own sooner promise', () => {
    const updates = [update(at('10:00'), 'investigating', at('10:10')), update(at('10:20'), 'mitigating', at('10:50')), update(at('10:45'), 'resolved')];
    expect(updateDeadlines(updates, NOW, 30)).toEqual({ due: 2, onTime: 1 });
  });

  it("counts an open incident's last promise only once it has passed", () => {
    const open = [update(at('10:00'), 'investigating', at('10:30'))];
    expect(updateDeadlines(open, new Date(at('10:30')), 30)).toEqual({ due: 0, onTime: 0 });
    expect(updateDeadlines(open, new Date(at('10:31')), 30)).toEqual({ due: 1, onTime: 0 });
  });
});

describe('MTTR by month', () => {
  it('lists every month of the range, with the mean over incidents resolved that were detected in it', () => {
    const report = planReport(
      [
        makeReportIncident({ detectedAt: '2026-01-05T10:00:00.000Z', resolvedAt: '2026-01-05T11:00:00.000Z' }),
        makeReportIncident({ detectedAt: '2026-01-20T10:00:00.000Z', resolvedAt: '2026-01-20T13:00:00.000Z' }),
        makeReportIncident({ detectedAt: '2026-03-02T10:00:00.000Z' }),
      ],
      { from: '2025-12-15', to: '2026-03-02' },
      NOW,
      30,
    );
    expect(report.mttrByMonth).toEqual([
      { month: '2025-12', resolved: 0, mttrSeconds: null },
      { month: '2026-01', resolved: 2, mttrSeconds: 7200 },
      { month: '2026-02', resolved: 0, mttrSeconds: null },
      { month: '2026-03', resolved: 0, mttrSeconds: null },
    ]);
  });
});

describe('the report query', () => {
  it.each([
    [{ from: '2026-03-01', to: '2026-03-31' }, true],
    [{ from: '2026-03-01', to: '2026-03-01' }, true],
    [{ from: '2026-03-02', to: '2026-03-01' }, false],
    [{ from: '2026-02-30', to: '2026-03-01' }, false],
    [{ from: '2026-3-1', to: '2026-03-01' }, false],
    [{ from: '2010-01-01', to: '2026-03-01' }, false],
  ])('accepts %j: %s', (query, ok) => {
    expect(PlanReportQuery.safeParse(query).success).toBe(ok);
  });
});
