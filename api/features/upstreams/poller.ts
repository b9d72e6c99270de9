/**
 * The job that follows the providers: each declared provider is read now and then every poll
 * interval (UPSTREAM_POLL_SECONDS), or later after failures (rules.ts `nextDelay`), each on its
 * own timer so a slow provider never delays another. A read that fails is recorded as such,
 * never thrown; a write that fails is logged and the next poll tries again.
 */
import { ConfigError } from '../../shared/errors.ts';
import type { CommandDeps } from '../../platform/commands.ts';
import type { Catalogue } from '../../platform/content.ts';
import { targetProblem } from '../../platform/delivery/addresses.ts';
import type { Log } from '../../platform/log/log.ts';
import { recordReading } from './commands.ts';
import { readUpstream, type Validators } from './read.ts';
import { nextDelay, providerName, READ_TIMEOUT_MS, UNREADABLE_AFTER } from './rules.ts';
import type { UpstreamDeclaration } from './schemas.ts';

/**
 * The catalogue's services that name an upstream, checked as a delivery target would be: a URL
 * the SSRF guard would refuse at every poll stops the start, saying which service and what to do.
 */
export function upstreamDeclarations(catalogue: Catalogue, allowLocal: boolean): UpstreamDeclaration[] {
  return catalogue.groups.flatMap((group) =>
    group.services.flatMap((service) => {
      if (!service.upstream) return [];
      const problem = targetProblem(new URL(service.upstream.url), allowLocal);
      if (problem)
        throw new ConfigError(
          `[Upstreams] content/services.json: service "${service.slug}" names upstream ${service.upstream.url}, which Herald will not read: ${problem} Use the provider's public https URL (WEBHOOK_ALLOW_LOCAL=true allows local ones, for development only).`,
        );
      return [{ slug: service.slug, source: service.upstream, provider: providerName(service.upstream) }];
    }),
  );
}

export type UpstreamPollerOptions = {
  deps: CommandDeps;
  declarations: readonly UpstreamDeclaration[];
  pollSeconds: number;
  allowLocal: boolean;
  log: Log;
};

export function createUpstreamPoller(options: UpstreamPollerOptions) {
  const { deps, declarations, log } = options;
  const pollMs = options.pollSeconds * 1000;
  const validators = new Map<string, Validators>();
  /** Failed reads in a row by service, for the log's "answers again". */
  const failures = new Map<string, number>();

  /** Reads one provider and records it; @returns how long to wait before the next read. */
  async function poll(declaration: UpstreamDeclaration): Promise<number> {
    const { reading, validators: next } = await readUpstream(declaration.source, validators.get(declaration.slug) ?? {}, {
      allowLocal: options.allowLocal,
      // Not bounded by the poll interval: the next read is timed from the end of this one, so reads never overlap.
      timeoutMs: READ_TIMEOUT_MS,
      now: () => deps.clock.now(),
    });
    validators.set(declaration.slug, next);
    const before = failures.get(declaration.slug) ?? 0;
    const state = await recordReading(deps, declaration, reading);
    failures.set(declaration.slug, state?.failures ?? 0);
    const where = `${declaration.provider} for "${declaration.slug}" (${declaration.source.url})`;
    if (state && reading.kind === 'failed' && state.failures === 1) log.warn(`[Upstreams] Cannot read ${where}: ${reading.error}. Retrying.`);
    if (state && reading.kind === 'failed' && state.failures === UNREADABLE_AFTER)
      log.warn(`[Upstreams] ${where} unreadable ${UNREADABLE_AFTER} times in a row: the page shows its status as unknown until it answers.`);
    if (state && state.failures === 0 && before >= UNREADABLE_AFTER) log.info(`[Upstreams] ${where} answers again after ${before} failed reads.`);
    return nextDelay(pollMs, state?.failures ?? 0, reading.kind === 'failed' ? reading.retryAfterMs : undefined);
  }

  return {
    /** One read of every provider, in turn (the job does the same, each on its own timer). */
    async pollAll(): Promise<void> {
      for (const declaration of declarations) await poll(declaration);
    },
    /** Starts following every provider; @returns the function that stops, waiting for reads in flight. */
    start(): () => Promise<void> {
      let stopped = false;
      const timers = new Set<NodeJS.Timeout>();
      const inFlight = new Set<Promise<void>>();
      const run = (declaration: UpstreamDeclaration) => {
        const pass = poll(declaration)
          .catch((error) => {
            log.error(`[Upstreams] Recording ${declaration.provider} for "${declaration.slug}" failed; the next poll tries again:`, error);
            return pollMs;
          })
          .then((delay) => {
            inFlight.delete(pass);
            if (stopped) return;
            const timer = setTimeout(() => {
              timers.delete(timer);
              run(declaration);
            }, delay);
            timer.unref();
            timers.add(timer);
          });
        inFlight.add(pass);
      };
      for (const declaration of declarations) run(declaration);
      return async () => {
        stopped = true;
        for (const timer of timers) clearTimeout(timer);
        await Promise.all([...inFlight]);
      };
    },
  };
}

export type UpstreamPoller = ReturnType<typeof createUpstreamPoller>;
