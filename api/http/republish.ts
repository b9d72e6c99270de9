import type { AppDeps } from './env.ts';

/**
 * Republishes after a committed write, before the response, so the 201 means readers see
 * it. A failed render does not undo the write: it is logged, and the next publish catches up.
 */
export async function republish(deps: AppDeps, incidentIds: number[] | 'all'): Promise<void> {
  try {
    await deps.publisher.publish(incidentIds === 'all' ? 'all' : { incidents: incidentIds });
  } catch (error) {
    (deps.log ?? console).error('[Publish] The snapshot could not be updated after a write; it stays as it was:', error);
  }
}
