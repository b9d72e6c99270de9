import type { Executor } from '../platform/db/client.ts';
import { loadIncidents } from '../features/incidents/index.ts';
import { searchIncidentIds, type IncidentSearch } from '../features/search/index.ts';
import { makeRef } from '../shared/refs.ts';
import type { IncidentView } from './model.ts';

/**
 * What the search pages (public /search and the desk's /admin/search) show: the form as typed,
 * a problem per field, and the matches (null until the form asks for something).
 */
export type SearchView = {
  values: { q: string; ref: string; service: string; severity: string; from: string; to: string };
  errors: Record<string, string>;
  results: SearchResult[] | null;
};

export type SearchResult = Pick<IncidentView, 'ref' | 'title' | 'severity' | 'status' | 'startedAt' | 'resolvedAt' | 'services'>;

/**
 * The incidents a search finds, newest first, from the whole history: the desk's (`internal`:
 * the commander's name is searched too) or the public's. Drafts are neither's to find.
 */
export async function findIncidents(db: Executor, search: IncidentSearch, options: { internal: boolean }): Promise<SearchResult[]> {
  const ids = await searchIncidentIds(db, search, options);
  const records = ids.length ? await loadIncidents(db, { state: 'all', ids, limit: ids.length }) : [];
  const byId = new Map(records.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ ref: makeRef('incident', r.id), title: r.title, severity: r.severity, status: r.status, startedAt: r.startedAt, resolvedAt: r.resolvedAt, services: r.services }] : [];
  });
}
