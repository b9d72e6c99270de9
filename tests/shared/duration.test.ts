import { describe, expect, it } from 'vitest';
import { formatDuration, formatUtc, incidentDuration, timeAgo } from '../../api/shared/duration.ts';

const MIN = 60_000;

describe('incidentDuration', () => {
  it('runs from start to resolution', () => {
    expect(incidentDuration(new Date('2026-01-01T10:00Z'), new Date('2026-01-01T11:23Z'), new Date('2026-02-01T00:00Z'))).toBe(83 * MIN);
  });
  it('runs until now while open', () => {
    expect(incidentDuration(new Date('2026-01-01T10:00Z'), null, new Date('2026-01-01T10:45Z'))).toBe(45 * MIN);
  });
});

describe('formatDuration', () => {
  it.each([
    [20_000, 'less than a minute'],
    [MIN, '1 min'],
    [83 * MIN, '1 h 23 min'],
    [120 * MIN, '2 h'],
    [(24 * 60 + 5) * MIN, '1 d 5 min'],
  ])('%i ms reads "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('times shown before any script runs', () => {
  const now = new Date('2026-11-27T15:00:00Z');
  it('shows a time today as HH:MM UTC', () => {
    expect(formatUtc(new Date('2026-11-27T14:32:10Z'), now)).toBe('14:32 UTC');
  });
  it('shows another day with its date', () => {
    expect(formatUtc(new Date('2026-11-25T09:05:00Z'), now)).toBe('25 Nov 2026 09:05 UTC');
  });
  it('says how long ago', () => {
    expect(timeAgo(new Date('2026-11-27T14:48:00Z'), now)).toBe('12 min ago');
    expect(timeAgo(new Date('2026-11-27T14:59:30Z'), now)).toBe('just now');
  });
});
