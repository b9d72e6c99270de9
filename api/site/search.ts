import type { Executor } from '../platform/db/client.ts';
import { asksForAnything, SearchQuery, searchCriteria, searchPublished } from '../features/search/index.ts';
import { makeRef } from '../shared/refs.ts';

/** At most this many results on a page: the newest; the page says how many more matched. */
export const RESULTS_SHOWN = 50;

/** The form's fields, as the page shows them back. */
export type SearchValues = { q: string; ref: string; service: string; severity: string; from: string; to: string };

/**
 * What the search pages (public /search and the desk's /admin/search) show: the form as typed,
 * a problem per field, the matches (null until the form asks for something) with how many
 * matched in all, and a notice for a search that was not run (too many, or search unavailable).
 */
export type SearchView = {
  values: SearchValues;
  errors: Record<string, string>;
  results: SearchResult[] | null;
  /** How many matched in all; more than `results.length` when only the newest are shown. */
  total: number;
  notice?: string;
};

export type SearchResult = {
  kind: 'incident' | 'maintenance';
  ref: string;
  title: string;
  /** An incident's severity; null for maintenance. */
  severity: string | null;
  status: string;
  /** When the incident started, or the window was scheduled to. */
  at: string;
  services: { slug: string; name: string }[];
};

/**
 * The form's fields as typed, each with its spaces collapsed: "slow  api " and "slow api"
 * are one search, shown and cached as one.
 */
export const searchValues = (query: Record<string, string | undefined>): SearchValues => {
  const field = (name: keyof SearchValues) => (query[name] ?? '').replace(/\s+/g, ' ').trim();
  return { q: field('q'), ref: field('ref'), service: field('service'), severity: field('severity'), from: field('from'), to: field('to') };
};

/**
 * Runs the search the form asks for, on `db` (a connection of its own, apart from the one
 * writes queue on): the view's results and the problems found with the form, by field, in
 * the schema's words (`problem` lets the public page say them in the catalogue's).
 */
export async function runSearch(
  db: Executor,
  values: SearchValues,
  options: { internal: boolean; problem?: (field: string, code: string, message: string) => string },
): Promise<Pick<SearchView, 'errors' | 'results' | 'total'>> {
  const parsed = SearchQuery.safeParse(values);
  const errors: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'form');
      errors[field] ??= options.problem ? options.problem(field, issue.code, issue.message) : issue.message;
    }
    return { errors, results: null, total: 0 };
  }
  if (!asksForAnything(parsed.data)) return { errors, results: null, total: 0 };
  const found = await searchPublished(db, searchCriteria(parsed.data), { internal: options.internal, limit: RESULTS_SHOWN });
  return {
    errors,
    total: found.total,
    results: found.hits.map((h) => ({
      kind: h.kind,
      ref: makeRef(h.kind, h.id),
      title: h.title,
      severity: h.severity,
      status: h.status,
      at: h.at,
      services: h.services,
    })),
  };
}
