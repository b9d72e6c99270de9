/**
 * The maintenance transitions job: every interval it starts the windows whose start has come
 * and completes those whose end has (api/features/maintenance/commands.ts does the work). Started by
 * api/assemble.ts's `startJobs()`; tests call `tick()` with a manual clock.
 */
import type { CommandDeps } from '../../platform/commands.ts';
import { advanceDueMaintenances } from './commands.ts';
import { repeat } from '../../platform/jobs/repeat.ts';

export type MaintenanceJob = {
  /** One pass; resolves with the references of the windows it moved. Overlapping calls share a pass. */
  tick(): Promise<string[]>;
  /** Runs a pass now and every `intervalMs`; returns the function that stops it (after any pass in flight). */
  start(intervalMs: number): () => Promise<void>;
};

export function createMaintenanceJob(deps: CommandDeps): MaintenanceJob {
  const log = deps.log;
  let inFlight: Promise<string[]> | null = null;
  const tick = (): Promise<string[]> => {
    inFlight ??= advanceDueMaintenances(deps).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
  return {
    tick,
    start: (intervalMs) =>
      repeat(
        async () => {
          const moved = await tick();
          if (moved.length) log.info(`[Maintenance] Moved ${moved.join(', ')}.`);
        },
        intervalMs,
        (error) => log.error('[Maintenance] Transitions pass failed; retrying next interval:', error),
      ),
  };
}
