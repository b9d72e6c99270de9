import type { Assessment } from './assess.ts';

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
