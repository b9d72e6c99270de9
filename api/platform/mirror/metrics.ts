import { Counter, Gauge, type Registry } from 'prom-client';
import type { MirrorStatus } from './mirror.ts';

/**
 * The mirror's metrics, in the process's registry: its lag and pending files read at scrape
 * time, its runs counted as they end.
 * @returns what the mirror tells after each run (`MirrorOptions.onRun`).
 */
export function registerMirrorMetrics(registry: Registry, status: () => MirrorStatus): (outcome: 'ok' | 'failed', seconds: number) => void {
  const registers = [registry];
  new Gauge({
    name: 'herald_mirror_lag_seconds',
    help: 'Seconds since the oldest published change not yet copied by the mirror (MIRROR_COMMAND) was published; 0 when caught up.',
    registers,
    collect() {
      this.set(status().lagSeconds);
    },
  });
  new Gauge({
    name: 'herald_mirror_pending_files',
    help: 'Files waiting to be copied by the mirror, those of a run under way included.',
    registers,
    collect() {
      this.set(status().pendingFiles);
    },
  });
  new Gauge({
    name: 'herald_mirror_consecutive_failures',
    help: 'Mirror runs failed in a row (0 once one succeeds); the mirror retries, at most a minute apart.',
    registers,
    collect() {
      this.set(status().consecutiveFailures);
    },
  });
  const runs = new Counter({
    name: 'herald_mirror_runs_total',
    help: 'Mirror command runs, by outcome (ok, failed).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const failures = new Counter({
    name: 'herald_mirror_failures_total',
    help: 'Mirror command runs that failed (exit status, timeout, or not runnable).',
    registers,
  });
  new Gauge({
    name: 'herald_mirror_last_success_timestamp_seconds',
    help: 'When a mirror run last succeeded (Unix time); absent until one has.',
    registers,
    collect() {
      const at = status().lastSuccessAt;
      this.reset();
      if (at) this.set(Date.parse(at) / 1000);
    },
  });
  // Present from the first scrape, at 0, so rate() and alerts work before the first run.
  runs.inc({ outcome: 'ok' }, 0);
  runs.inc({ outcome: 'failed' }, 0);
  failures.inc(0);
  return (outcome) => {
    runs.inc({ outcome });
    if (outcome === 'failed') failures.inc();
  };
}
