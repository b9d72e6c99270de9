import type { Executor } from '../../platform/db/client.ts';
import { loadIncidents } from '../incidents/index.ts';
import { toIncident } from '../incidents/index.ts';
import type { Severity } from '../../shared/vocabulary.ts';

/** An open incident as the freshness rule sees it at one instant. */
export type Watched = {
  id: number;
  ref: string;
  title: string;
  severity: Severity;
  commander: string | null;
  url: string;
  lastUpdateAt: Date;
  dueAt: Date;
  overdue: boolean;
  msUntilDue: number;
};

export type Assessment = { open: Watched[]; overdue: Watched[]; nextDeadline: Date | null };

/**
 * Every open incident with its deadline, by the same pure rule the public pages use
 * (`toIncident` → `freshness`), so the watchdog, the health check, the metrics and the
 * pages never disagree about what is overdue.
 */
export async function assessOpenIncidents(db: Executor, now: Date, site: { publicUrl: string; updateIntervalMinutes: number }): Promise<Assessment> {
  const records = await loadIncidents(db, { state: 'open' });
  const open = records.map((record): Watched => {
    const incident = toIncident(record, now, site);
    const dueAt = new Date(incident.nextUpdateDueAt as string);
    return {
      id: record.id,
      ref: incident.ref,
      title: incident.title,
      severity: incident.severity,
      commander: incident.commander,
      url: incident.url,
      lastUpdateAt: new Date(incident.lastUpdateAt),
      dueAt,
      overdue: incident.overdue,
      msUntilDue: dueAt.getTime() - now.getTime(),
    };
  });
  const deadlines = open.map((w) => w.dueAt.getTime());
  return {
    open,
    overdue: open.filter((w) => w.overdue),
    nextDeadline: deadlines.length ? new Date(Math.min(...deadlines)) : null,
  };
}
