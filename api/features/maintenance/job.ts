/**
 * The maintenance job: every interval it creates the occurrences recurring series owe
 * (series-commands.ts), posts the reminders that are due (reminder-commands.ts), then starts
 * the windows whose start has come and completes those whose end has (commands.ts). Started
 * by api/assemble.ts's `startJobs()`; tests call `tick()` with a manual clock.
 */
import type { CommandDeps } from '../../platform/commands.ts';
import { advanceDueMaintenances, republishSite } from './commands.ts';
import { sendDueReminders } from './reminder-commands.ts';
import { createDueOccurrences } from './series-commands.ts';
import { repeat } from '../../platform/jobs/repeat.ts';

export type MaintenanceJob = {
  /**
   * One pass; resolves with the references of the windows it created, reminded of, started or
   * completed, each once. Overlapping calls share a pass.
   */
  tick(): Promise<string[]>;
  /** Runs a pass now and every `intervalMs`; returns the function that stops it (after any pass in flight). */
  start(intervalMs: number): () => Promise<void>;
};

async function pass(deps: CommandDeps): Promise<string[]> {
  const created = await createDueOccurrences(deps);
  const reminded = await sendDueReminders(deps);
  const moved = await advanceDueMaintenances(deps);
  // advanceDueMaintenances republishes what it moved; new occurrences and reminders need it too.
  if (moved.length === 0 && created.length + reminded.length > 0) await republishSite(deps);
  return [...new Set([...created, ...reminded, ...moved])];
}

export function createMaintenanceJob(deps: CommandDeps): MaintenanceJob {
  const log = deps.log;
  let inFlight: Promise<string[]> | null = null;
  const tick = (): Promise<string[]> => {
    inFlight ??= pass(deps).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
  return {
    tick,
    start: (intervalMs) =>
      repeat(
        async () => {
          const touched = await tick();
          if (touched.length) log.info(`[Maintenance] Created, reminded of, started or completed ${touched.join(', ')}.`);
        },
        intervalMs,
        (error) => log.error('[Maintenance] Pass failed; retrying next interval:', error),
      ),
  };
}
