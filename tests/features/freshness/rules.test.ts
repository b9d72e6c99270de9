import { describe, expect, it } from 'vitest';
import { countdown, escalationsOwed, noticeDue, reminderAt } from '../../../api/features/freshness/rules.ts';

const at = (hhmmss: string) => new Date(`2026-03-10T${hhmmss}.000Z`);
const policy = { repeatMinutes: 15, maxEscalations: 3 };
const nothingSent = { reminder: false, escalations: 0 };

describe('reminderAt', () => {
  it.each([
    ['5 minutes before a 30-minute deadline', at('12:00:00'), at('12:30:00'), at('12:25:00')],
    ['5 minutes before a 10-minute promise (half is not shorter)', at('12:00:00'), at('12:10:00'), at('12:05:00')],
    ['half of a 6-minute promise, which is shorter than 5 minutes', at('12:00:00'), at('12:06:00'), at('12:03:00')],
    ['half of a 1-minute promise', at('12:00:00'), at('12:01:00'), at('12:00:30')],
  ])('%s', (_name, last, due, expected) => {
    expect(reminderAt(last, due)).toEqual(expected);
  });
});

describe('noticeDue for an update posted at 12:00 with the 30-minute cadence', () => {
  const base = { lastUpdateAt: at('12:00:00'), dueAt: at('12:30:00'), policy };
  it.each([
    ['24:59: nothing yet', at('12:24:59'), nothingSent, null],
    ['25:00: the reminder', at('12:25:00'), nothingSent, { kind: 'reminder', seq: 1 }],
    ['29:59: reminder already sent, not overdue', at('12:29:59'), { reminder: true, escalations: 0 }, null],
    ['30:00: the first escalation', at('12:30:00'), { reminder: true, escalations: 0 }, { kind: 'escalation', seq: 1 }],
    ['30:01: the first escalation if not yet sent', at('12:30:01'), { reminder: true, escalations: 0 }, { kind: 'escalation', seq: 1 }],
    ['30:01: nothing once the first is sent', at('12:30:01'), { reminder: true, escalations: 1 }, null],
    ['44:59: still nothing', at('12:44:59'), { reminder: true, escalations: 1 }, null],
    ['45:00: the second escalation', at('12:45:00'), { reminder: true, escalations: 1 }, { kind: 'escalation', seq: 2 }],
    ['60:00: the third, which is the maximum', at('13:00:00'), { reminder: true, escalations: 2 }, { kind: 'escalation', seq: 3 }],
    ['75:00: nothing past the maximum', at('13:15:00'), { reminder: true, escalations: 3 }, null],
    ['a missed reminder is dropped once overdue', at('12:30:00'), nothingSent, { kind: 'escalation', seq: 1 }],
    ['after downtime, only the latest escalation is owed', at('13:00:10'), { reminder: true, escalations: 1 }, { kind: 'escalation', seq: 3 }],
  ])('%s', (_name, now, sent, expected) => {
    expect(noticeDue({ ...base, now, sent })).toEqual(expected);
  });
});

describe('escalationsOwed', () => {
  it.each([
    [at('12:29:59'), 0],
    [at('12:30:00'), 1],
    [at('12:44:59'), 1],
    [at('12:45:00'), 2],
    [at('15:00:00'), 3],
  ])('at %s: %i', (now, expected) => {
    expect(escalationsOwed(at('12:30:00'), now, policy)).toBe(expected);
  });
});

describe('countdown', () => {
  it.each([
    ['calm with more than 5 minutes left', at('12:20:00'), 'ok', 'due in 10 min'],
    ['amber at 5 minutes', at('12:25:00'), 'amber', 'due in 5 min'],
    ['amber in the last minute, in seconds', at('12:29:59'), 'amber', 'due in 1 s'],
    ['red at the deadline', at('12:30:00'), 'red', 'OVERDUE by 0 min'],
    ['red and counting after', at('12:42:30'), 'red', 'OVERDUE by 12 min'],
  ])('%s', (_name, now, tone, text) => {
    expect(countdown(at('12:30:00'), now)).toEqual({ tone, text });
  });
});
