import type { Log } from './log/log.ts';
import type { PublishScope, Republisher } from './commands.ts';

/**
 * Republishes after a committed write, before the response, so the 201 means readers see
 * it. A failed render does not undo the write: it is logged, and the next publish catches up.
 */
export async function republish(deps: { publisher: Republisher; log: Log }, scope: PublishScope): Promise<void> {
  try {
    await deps.publisher.publish(scope);
  } catch (error) {
    deps.log.error('[Publish] The snapshot could not be updated after a write; it stays as it was:', error);
  }
}
