import { describe, expect, it } from 'vitest';
import { assertMaintenanceTransition, dueTransitions, maintenanceStatusAt, planMaintenanceServiceChanges } from '../../api/domain/maintenance.ts';
import { ConflictError } from '../../api/errors.ts';
import type { MaintenanceStatus } from '../../api/domain/vocabulary.ts';
import { parseRef } from '../../api/domain/refs.ts';

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
    expect(planMaintenanceServiceChanges(services, 'complete', new Set())).toEqual([{ serviceId: 3, slug: 'db', from: 'under_maintenance', to: 'operational' }]);
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
