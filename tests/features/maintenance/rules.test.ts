import { describe, expect, it } from 'vitest';
import {
  assertExtension,
  assertMaintenanceTransition,
  assertWindowAhead,
  dueTransitions,
  maintenanceEntryLabel,
  maintenanceEvent,
  maintenanceStateLabel,
  maintenanceStatusAt,
  planMaintenanceServiceChanges,
} from '../../../api/features/maintenance/rules.ts';
import { ConflictError, ValidationError, WindowInPastError } from '../../../api/shared/errors.ts';
import type { MaintenanceStatus } from '../../../api/shared/vocabulary.ts';
import { parseRef } from '../../../api/shared/refs.ts';

const window = { scheduledFor: '2026-03-10T22:00:00.000Z', scheduledUntil: '2026-03-11T00:00:00.000Z' };

describe('maintenanceStatusAt', () => {
  it.each([
    ['2026-03-10T21:59:59.999Z', 'scheduled'],
    ['2026-03-10T22:00:00.000Z', 'in_progress'],
    ['2026-03-10T23:59:59.999Z', 'in_progress'],
    ['2026-03-11T00:00:00.000Z', 'completed'],
    ['2026-03-11T00:00:00.001Z', 'completed'],
  ])('at %s a 22:00–00:00 window is %s', (at, expected) => {
    expect(maintenanceStatusAt(window, new Date(at))).toBe(expected);
  });
});

describe('dueTransitions', () => {
  it.each<[MaintenanceStatus, string, string[]]>([
    ['scheduled', '2026-03-10T21:59:59.999Z', []],
    ['scheduled', '2026-03-10T22:00:00.000Z', ['in_progress']],
    ['scheduled', '2026-03-11T00:00:00.000Z', ['in_progress', 'completed']],
    ['in_progress', '2026-03-10T21:00:00.000Z', []],
    ['in_progress', '2026-03-10T23:59:59.999Z', []],
    ['in_progress', '2026-03-11T00:00:00.000Z', ['completed']],
    ['completed', '2026-03-10T23:00:00.000Z', []],
    ['completed', '2026-03-11T01:00:00.000Z', []],
  ])('a %s window at %s owes %j', (status, at, expected) => {
    expect(dueTransitions({ ...window, status }, new Date(at))).toEqual(expected);
  });
});

describe('assertMaintenanceTransition', () => {
  it.each<[MaintenanceStatus, MaintenanceStatus, boolean]>([
    ['scheduled', 'scheduled', true],
    ['scheduled', 'in_progress', true],
    ['scheduled', 'completed', true],
    ['in_progress', 'in_progress', true],
    ['in_progress', 'completed', true],
    ['in_progress', 'scheduled', false],
    ['completed', 'completed', false],
    ['completed', 'in_progress', false],
    ['completed', 'scheduled', false],
  ])('%s → %s allowed: %s', (from, to, allowed) => {
    const attempt = () => assertMaintenanceTransition(from, to);
    if (allowed) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(ConflictError);
  });
});

describe('planMaintenanceServiceChanges', () => {
  const services = [
    { id: 1, slug: 'api', status: 'operational' as const },
    { id: 2, slug: 'web-app', status: 'major_outage' as const },
    { id: 3, slug: 'db', status: 'under_maintenance' as const },
  ];

  it('starting puts operational services under maintenance and leaves a worse status showing', () => {
    expect(planMaintenanceServiceChanges(services, 'start', new Set())).toEqual([{ serviceId: 1, slug: 'api', from: 'operational', to: 'under_maintenance' }]);
  });

  it('completing restores services under maintenance unless held elsewhere', () => {
    expect(planMaintenanceServiceChanges(services, 'complete', new Set())).toEqual([
      { serviceId: 3, slug: 'db', from: 'under_maintenance', to: 'operational' },
    ]);
    expect(planMaintenanceServiceChanges(services, 'complete', new Set(['db']))).toEqual([]);
  });
});

describe('maintenance references', () => {
  it.each([
    ['MNT-7', 7],
    ['mnt-7', 7],
    ['MNT-0', null],
    ['INC-7', null],
    ['MNT-7x', null],
  ])('%s names %s', (ref, id) => {
    expect(parseRef('maintenance', ref)).toBe(id);
  });
});

describe('a window must end after now', () => {
  const now = new Date('2026-03-10T12:00:00.000Z');
  it.each([
    ['a millisecond before now', '2026-03-10T11:59:59.999Z', true],
    ['exactly now', '2026-03-10T12:00:00.000Z', true],
    ['a millisecond after now', '2026-03-10T12:00:00.001Z', false],
  ])('an end %s is refused: %s', (_, until, refused) => {
    const check = () => assertWindowAhead(until, now);
    if (refused) expect(check).toThrow(WindowInPastError);
    else expect(check).not.toThrow();
  });

  it('names scheduledUntil, 422', () => {
    try {
      assertWindowAhead('2026-03-10T11:00:00.000Z', now);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        status: 422,
        code: 'window_in_past',
        fields: [{ path: 'scheduledUntil', message: 'must be in the future: 2026-03-10 11:00 UTC has already passed' }],
      });
    }
  });

  it.each([
    ['completed', '2026-03-11T05:00:00.000Z', ConflictError],
    ['scheduled', '2026-03-11T00:00:00.000Z', ValidationError],
    ['scheduled', '2026-03-10T23:00:00.000Z', ValidationError],
  ] as const)('an extension of a %s window to %s is refused', (status, until, kind) => {
    expect(() => assertExtension({ ...window, status }, until, now)).toThrow(kind);
  });

  it('an extension to a later end still ahead is allowed, running or not', () => {
    expect(() => assertExtension({ ...window, status: 'in_progress' }, '2026-03-11T00:00:00.001Z', now)).not.toThrow();
  });
});

describe('what a timeline entry did', () => {
  it.each([
    ['scheduled', 'scheduled', 'updated'],
    ['scheduled', 'in_progress', 'started'],
    ['in_progress', 'completed', 'ended'],
    ['scheduled', 'completed', 'cancelled'],
    ['in_progress', 'in_progress', 'updated'],
  ] as const)('%s → %s is %s', (from, to, event) => {
    expect(maintenanceEvent(from, to)).toBe(event);
  });

  it('reads a window completed without starting as Cancelled', () => {
    expect(maintenanceStateLabel({ status: 'completed', startedAt: null })).toBe('Cancelled');
    expect(maintenanceStateLabel({ status: 'completed', startedAt: '2026-03-10T22:00:00.000Z' })).toBe('Completed');
    expect(maintenanceEntryLabel({ event: 'extended', status: 'scheduled' })).toBe('Extended');
    expect(maintenanceEntryLabel({ event: 'updated', status: 'in_progress' })).toBe('In progress');
  });
});
