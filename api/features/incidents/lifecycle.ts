import { ConflictError } from '../../shared/errors.ts';
import type { IncidentStatus } from '../../shared/vocabulary.ts';

/**
 * Whether an update may move an incident from `from` to `to`.
 *
 * The plan's lifecycle runs investigating → mitigating → monitoring → resolved. While the
 * incident is open any of the open statuses may follow any other (a fix that did not hold
 * sends "monitoring" back to "investigating"), and an update may keep the status unchanged.
 * A resolved incident takes no further status update: reopening is its own explicit action,
 * so nobody reopens an incident by posting to the wrong one.
 *
 * @example assertTransition('monitoring', 'resolved') // ok
 * @example assertTransition('resolved', 'monitoring') // throws ConflictError
 */
export function assertTransition(from: IncidentStatus, to: IncidentStatus): void {
  if (from === 'resolved') {
    throw new ConflictError(
      `[Incidents] The incident is resolved and takes no status update (asked for "${to}"). Reopen it instead: reopening is its own action, with its own message.`,
    );
  }
}

/** Reopening applies only to a resolved incident, and lands in an open status. */
export function assertReopen(from: IncidentStatus, to: IncidentStatus): void {
  if (from !== 'resolved') {
    throw new ConflictError(`[Incidents] Only a resolved incident can be reopened; this one is "${from}".`);
  }
  if (to === 'resolved') {
    throw new ConflictError('[Incidents] A reopened incident needs an open status: investigating, mitigating or monitoring.');
  }
}
