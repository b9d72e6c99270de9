import { describe, expect, it } from 'vitest';
import { freshness, isOverdue, nextUpdateDue, promisedNextUpdate } from '../../../api/features/incidents/deadline.ts';

const at = (hhmmss: string) => new Date(`2026-03-10T${hhmmss}.000Z`);

describe('nextUpdateDue', () => {
  it.each([
    ['no promise: last update + 30 min', at('12:00:00'), null, 30, at('12:30:00')],
    ['a sooner promise wins', at('12:00:00'), at('12:10:00'), 30, at('12:10:00')],
    ['a later promise never stretches the cadence', at('12:00:00'), at('12:45:00'), 30, at('12:30:00')],
    ['a shorter configured cadence', at('12:00:00'), null, 15, at('12:15:00')],
    ['a configured cadence above 30 is still 30', at('12:00:00'), null, 60, at('12:30:00')],
  ])('%s', (_name, last, promised, interval, expected) => {
    expect(nextUpdateDue(last, promised, interval)).toEqual(expected);
  });
});

describe('isOverdue', () => {
  const due = at('12:30:00');
  it.each([
    ['29:59 after the last update is not overdue', at('12:29:59'), false],
    ['30:00 after the last update is overdue', at('12:30:00'), true],
    ['30:01 after the last update is overdue', at('12:30:01'), true],
  ])('%s', (_name, now, expected) => {
    expect(isOverdue(due, now)).toBe(expected);
  });

  it('flags an incident overdue 30 minutes after its last update', () => {
    expect(freshness(at('12:00:00'), null, at('12:30:00')).overdue).toBe(true);
    expect(freshness(at('12:00:00'), null, at('12:29:59')).msUntilDue).toBe(1000);
  });
});

describe('promisedNextUpdate', () => {
  it.each([
    ['defaults to the cadence', undefined, 30, at('12:30:00')],
    ['honours a sooner promise', 10, 30, at('12:10:00')],
    ['never later than the configured cadence', 30, 20, at('12:20:00')],
  ])('%s', (_name, minutes, interval, expected) => {
    expect(promisedNextUpdate(at('12:00:00'), minutes, interval)).toEqual(expected);
  });
});
