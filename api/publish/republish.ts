import type { Log } from '../log.ts';
import type { PublishScope } from './publisher.ts';

/**
 * Republishes after a committed write, before the response, so the 201 means readers see
 * it. A failed render does not undo the write: it is logged, and the next publish catches up.
 */
export async function republish(deps: { publisher: { publish(scope: PublishScope): Promise<unknown> }; log: Log }, scope: PublishScope): Promise<void> {
  try {
    await deps.publisher.publish(scope);
  } catch (error) {
    deps.log.error('[Publish] The snapshot could not be updated after a write; it stays as it was:', error);
  }
}
