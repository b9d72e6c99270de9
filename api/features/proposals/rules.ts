/**
 * What a signal does to a proposal, and when a service with "autoStatus" takes a proposal
 * without a person. Pure: no database, no clock.
 */
import type { ServiceStatus } from '../../shared/vocabulary.ts';
import type { ProposalState } from './schemas.ts';

/** A proposal's state as the rules see it. */
export type ProposalRecord = { firing: boolean; status: ServiceStatus; state: ProposalState };

/** What the rules need to know of the service: its status now, and whether another signal's proposal for it still fires (open or applied). */
export type Surroundings = { current: ServiceStatus; othersFiring: boolean };

/**
 * The proposal after a signal: `firing` proposes `status`, a resolution proposes `operational`.
 * Returns null when there is nothing to record (a resolution of a signal never seen firing).
 *
 * - A firing signal opens a proposal; firing again updates it (an open one takes the new
 *   status; an applied one stays applied unless the status proposed changed); a dismissed one
 *   stays dismissed while the signal fires. A signal that fires after it resolved opens anew.
 * - A resolution closes a dismissed proposal; otherwise it proposes `operational`, unless the
 *   service already is, or another signal still fires for it — then it just closes.
 *
 * @example nextProposal(null, { firing: true, status: 'degraded_performance' }, { current: 'operational', othersFiring: false }) // { firing: true, status: 'degraded_performance', state: 'open' }
 * @example nextProposal({ firing: true, status: 'degraded_performance', state: 'open' }, { firing: false, status: 'operational' }, { current: 'operational', othersFiring: false }) // { firing: false, status: 'operational', state: 'closed' }
 */
export function nextProposal(row: ProposalRecord | null, signal: { firing: boolean; status: ServiceStatus }, around: Surroundings): ProposalRecord | null {
  if (signal.firing) {
    const fresh: ProposalRecord = { firing: true, status: signal.status, state: 'open' };
    if (!row?.firing || row.state === 'closed') return fresh;
    if (row.state === 'dismissed') return row;
    if (row.state === 'applied') return row.status === signal.status ? row : fresh;
    return fresh;
  }
  if (!row) return null;
  if (!row.firing) return row;
  if (row.state === 'dismissed') return { firing: false, status: 'operational', state: 'closed' };
  const nothingToDo = around.current === 'operational' || around.othersFiring;
  return { firing: false, status: 'operational', state: nothingToDo ? 'closed' : 'open' };
}

/** Worst last; under_maintenance is apart (planned work owns the status). */
const SEVERITY_ORDER: readonly ServiceStatus[] = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'];

/**
 * Whether a service with "autoStatus" takes a proposal at once, or keeps it for a person, and why.
 * It never overrides maintenance, never lowers a worse status (another alert's, or a person's),
 * and returns to operational only when no other signal for the service still fires.
 *
 * @example autoDecision('operational', 'major_outage', false) // { apply: true }
 * @example autoDecision('major_outage', 'degraded_performance', false) // { apply: false, why: 'it would lower major_outage to degraded_performance, …' }
 */
export function autoDecision(current: ServiceStatus, proposed: ServiceStatus, othersFiring: boolean): { apply: true } | { apply: false; why: string } {
  if (current === 'under_maintenance') return { apply: false, why: 'the service is under maintenance; planned work owns its status' };
  if (proposed === 'under_maintenance') return { apply: false, why: 'maintenance is set by scheduling it, not by a signal' };
  if (proposed === 'operational') return othersFiring ? { apply: false, why: 'another signal for the service still fires' } : { apply: true };
  if (SEVERITY_ORDER.indexOf(proposed) < SEVERITY_ORDER.indexOf(current)) {
    return { apply: false, why: `it would lower ${current} to ${proposed}, set by a person or another signal` };
  }
  return { apply: true };
}
