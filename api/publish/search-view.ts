import type { IncidentView } from './model.ts';

/**
 * What the search pages (public /search and the desk's /admin/search) show: the form as typed,
 * a problem per field, and the matches (null until the form asks for something).
 */
export type SearchView = {
  values: { q: string; ref: string; service: string; severity: string; from: string; to: string };
  errors: Record<string, string>;
  results: Pick<IncidentView, 'ref' | 'title' | 'severity' | 'status' | 'startedAt' | 'resolvedAt' | 'services'>[] | null;
};
