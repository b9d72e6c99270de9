import type { Assessment } from './assess.ts';

/**
 * Prometheus text exposition (format 0.0.4) of the freshness gauges. Pure.
 * `herald_next_deadline_seconds` is negative while the nearest deadline is past, and absent
 * when no incident is open (there is no deadline to count down to).
 */
export function renderMetrics(a: Assessment, now: Date, extra: { watchdogLastTickAt: Date | null }): string {
  const lines = [
    '# HELP herald_incidents_open Incidents not yet resolved.',
    '# TYPE herald_incidents_open gauge',
    `herald_incidents_open ${a.open.length}`,
    '# HELP herald_incidents_overdue Open incidents whose next public update is past due.',
    '# TYPE herald_incidents_overdue gauge',
    `herald_incidents_overdue ${a.overdue.length}`,
    '# HELP herald_next_deadline_seconds Seconds until the nearest next-update deadline of an open incident (negative once passed).',
    '# TYPE herald_next_deadline_seconds gauge',
  ];
  if (a.nextDeadline) lines.push(`herald_next_deadline_seconds ${Math.round((a.nextDeadline.getTime() - now.getTime()) / 1000)}`);
  lines.push(
    '# HELP herald_freshness_watchdog_last_run_timestamp_seconds When the freshness watchdog last completed a pass (Unix time).',
    '# TYPE herald_freshness_watchdog_last_run_timestamp_seconds gauge',
  );
  if (extra.watchdogLastTickAt) lines.push(`herald_freshness_watchdog_last_run_timestamp_seconds ${Math.floor(extra.watchdogLastTickAt.getTime() / 1000)}`);
  return `${lines.join('\n')}\n`;
}

/** The body of /healthz/freshness and the one line of `npm run check:freshness`. */
export function freshnessReport(a: Assessment, now: Date) {
  return {
    status: a.overdue.length > 0 ? ('overdue' as const) : ('ok' as const),
    open: a.open.length,
    nextDeadline: a.nextDeadline?.toISOString() ?? null,
    overdue: a.overdue.map((w) => ({
      ref: w.ref,
      title: w.title,
      severity: w.severity,
      url: w.url,
      nextUpdateDueAt: w.dueAt.toISOString(),
      overdueMinutes: Math.floor((now.getTime() - w.dueAt.getTime()) / 60_000),
    })),
    time: now.toISOString(),
  };
}

export function reportLine(report: ReturnType<typeof freshnessReport>): string {
  if (report.status === 'ok') {
    return `OK: ${report.open} open incident(s), none overdue${report.nextDeadline ? `; next update due ${report.nextDeadline}` : ''}.`;
  }
  const list = report.overdue.map((o) => `${o.ref} (${o.severity}, due ${o.nextUpdateDueAt}, ${o.overdueMinutes} min late)`).join(', ');
  return `OVERDUE: ${report.overdue.length} of ${report.open} open incident(s): ${list}.`;
}
