import type { Context } from 'hono';
import { StaleEventError, TooManyRequestsError } from '../../../shared/errors.ts';
import type { AppDeps, HeraldEnv } from '../../../deps.ts';
import type { IntakeOutcome } from '../commands.ts';
import type { Alert } from '../rules.ts';

/** How long a sender refused past the draft cap is asked to wait: a person has to release or discard drafts first. */
const CAP_RETRY_SECONDS = 60;
/** At most one log line a minute about refusals: a storm must not flood the log too. */
const LOG_EVERY_MS = 60_000;

/**
 * Runs an intake post, counting in herald_intake_refused_total what it refused (past the
 * draft cap: 429 with Retry-After; outside the replay window: 422) and the deliveries it had
 * taken already; refusals are logged at warn level, at most once a minute.
 */
export function countRefusals(deps: Pick<AppDeps, 'metrics' | 'log'>) {
  let loggedAt = Number.NEGATIVE_INFINITY;
  return async (c: Context<HeraldEnv>, source: Alert['source'], work: () => Promise<IntakeOutcome>): Promise<IntakeOutcome> => {
    try {
      const outcome = await work();
      if (outcome.duplicate) deps.metrics.observeIntakeRefused(source, 'duplicate');
      return outcome;
    } catch (error) {
      const reason = error instanceof StaleEventError ? 'stale' : error instanceof TooManyRequestsError ? 'draft_cap' : null;
      if (reason === null) throw error;
      deps.metrics.observeIntakeRefused(source, reason);
      if (reason === 'draft_cap') c.header('retry-after', String(CAP_RETRY_SECONDS));
      if (performance.now() - loggedAt >= LOG_EVERY_MS) {
        loggedAt = performance.now();
        deps.log.warn(`${(error as Error).message} (logged at most once a minute; herald_intake_refused_total counts each)`);
      }
      throw error;
    }
  };
}
