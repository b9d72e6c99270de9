import { describe, expect, it } from 'vitest';
import { assertReopen, assertTransition } from '../../../api/features/incidents/lifecycle.ts';
import { ConflictError } from '../../../api/shared/errors.ts';
import { INCIDENT_STATUSES, type IncidentStatus } from '../../../api/shared/vocabulary.ts';

const open = INCIDENT_STATUSES.filter((s) => s !== 'resolved');

describe('assertTransition', () => {
  it.each(open.flatMap((from) => INCIDENT_STATUSES.map((to) => [from, to] as [IncidentStatus, IncidentStatus])))(
    'an open incident may go from %s to %s',
    (from, to) => {
      expect(() => assertTransition(from, to)).not.toThrow();
    },
  );

  it.each(INCIDENT_STATUSES.map((to) => [to]))('a resolved incident takes no update to %s', (to) => {
    expect(() => assertTransition('resolved', to)).toThrow(ConflictError);
  });
});

describe('assertReopen', () => {
  it('reopens a resolved incident into an open status', () => {
    expect(() => assertReopen('resolved', 'investigating')).not.toThrow();
  });
  it.each(open.map((s) => [s]))('refuses to reopen an incident that is %s', (from) => {
    expect(() => assertReopen(from, 'investigating')).toThrow(ConflictError);
  });
  it('refuses to reopen into resolved', () => {
    expect(() => assertReopen('resolved', 'resolved')).toThrow(ConflictError);
  });
});
