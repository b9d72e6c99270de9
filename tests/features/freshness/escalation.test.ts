import { describe, expect, it } from 'vitest';
import { readContent } from '../../../api/platform/content.ts';
import { EscalationMatrix, escalationLevelDue, escalationLevelsDue } from '../../../api/features/freshness/escalation.ts';
import { CONTENT_DIR } from '../../support/app.ts';

const PLAN = readContent(CONTENT_DIR, 'escalation.json', EscalationMatrix);
const at = (minutes: number) => new Date(Date.parse('2026-03-10T12:00:00.000Z') + minutes * 60_000);
const open = (severity: 'P0' | 'P1' | 'P2' | 'P3') => ({ severity, detectedAt: '2026-03-10T12:00:00.000Z', resolvedAt: null });

describe('the shipped escalation matrix', () => {
  it('has the plan’s four levels', () => {
    expect(PLAN.levels.map((l) => [l.level, l.name, l.responseMinutes])).toEqual([
      [1, 'On-call engineer', 5],
      [2, 'Team lead / senior engineer', 15],
      [3, 'Engineering manager / director', 30],
      [4, 'CTO / VP engineering', 0],
    ]);
  });

  it.each([
    ['P2', 0, 1],
    ['P2', 29.99, 1],
    ['P2', 30, 2],
    ['P2', 59.99, 2],
    ['P2', 60, 3],
    ['P2', 600, 3],
    ['P1', 0, 2],
    ['P1', 60, 3],
    ['P1', 300, 3],
    ['P0', 0, 3],
    ['P0', 119.99, 3],
    ['P0', 120, 4],
    ['P3', 45, 2],
  ] as const)('puts a %s incident unresolved %s min at level %i', (severity, minutes, level) => {
    expect(escalationLevelDue(open(severity), at(minutes), PLAN)).toBe(level);
  });

  it('lists every level reached, so each is notified once even when a higher one fires first', () => {
    expect(escalationLevelsDue(open('P0'), at(0), PLAN)).toEqual([3]);
    expect(escalationLevelsDue(open('P0'), at(30), PLAN)).toEqual([2, 3]);
    expect(escalationLevelsDue(open('P0'), at(120), PLAN)).toEqual([2, 3, 4]);
  });

  it('escalates nothing once resolved', () => {
    expect(escalationLevelsDue({ ...open('P0'), resolvedAt: '2026-03-10T12:10:00.000Z' }, at(500), PLAN)).toEqual([]);
  });

  it('refuses levels out of order and a malformed routing key', () => {
    expect(EscalationMatrix.safeParse({ levels: [{ level: 2, name: 'x', responseMinutes: 1 }] }).success).toBe(false);
    expect(EscalationMatrix.safeParse({ levels: [{ level: 1, name: 'x', responseMinutes: 1, pagerdutyRoutingKey: 'short' }] }).success).toBe(false);
  });
});
