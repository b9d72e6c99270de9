import type { IncidentView } from '../../api/publish/model.ts';

export type Month = { key: string; label: string; incidents: IncidentView[] };

/**
 * Incidents by the month they started, newest first: always the last `recentMonths` months
 * (an empty month says so), and every older month that had an incident.
 */
export function monthsOfHistory(incidents: readonly IncidentView[], now: Date, recentMonths: number): Month[] {
  const keyOf = (iso: string) => iso.slice(0, 7);
  const keys = new Set<string>();
  for (let i = 0; i < recentMonths; i++) {
    keys.add(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
  }
  for (const incident of incidents) keys.add(keyOf(incident.startedAt));
  return [...keys]
    .sort()
    .reverse()
    .map((key) => ({
      key,
      label: new Date(`${key}-01T00:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
      incidents: incidents.filter((i) => keyOf(i.startedAt) === key),
    }));
}
