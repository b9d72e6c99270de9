import { Hono } from 'hono';
import { searchIncidentIds } from '../db/search.ts';
import { makeRef } from '../domain/refs.ts';
import { asksForAnything, IncidentSearchQuery, searchCriteria } from '../domain/search.ts';
import type { AppDeps, HeraldEnv } from '../http/env.ts';
import type { SearchView } from '../publish/search-view.ts';

const HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin' };

/** The form's fields as typed (strings), for the page to show back. */
const typedOf = (query: Record<string, string>) => ({
  q: query.q ?? '',
  ref: query.ref ?? '',
  service: query.service ?? '',
  severity: query.severity ?? '',
  from: query.from ?? '',
  to: query.to ?? '',
});

/**
 * GET /search?q=…&ref=…&service=…&severity=…&from=…&to=… — the public search, a plain GET form
 * whose URL is the search. The database finds the matches; only incidents in the published
 * model are shown, from the model, so nothing internal (the commander, tickets, drafts) shows.
 */
export const publicSearchRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().get('/search', async (c) => {
    const model = deps.publisher.current() ?? (await deps.publisher.publish('all')).model;
    if (!deps.renderPage) return c.text('Search needs the built site (npm run build).', 503);
    const typed = typedOf(c.req.query());
    const parsed = IncidentSearchQuery.safeParse(typed);
    const errors: Record<string, string> = {};
    if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
    let results: SearchView['results'] = null;
    if (parsed.success && asksForAnything(parsed.data)) {
      const ids = await searchIncidentIds(deps.db, searchCriteria(parsed.data), { internal: false });
      const published = new Map(model.incidents.map((i) => [i.ref, i]));
      results = ids.flatMap((id) => published.get(makeRef('incident', id)) ?? []);
    }
    const view: SearchView = { values: typed, errors, results };
    const html = await deps.renderPage('/search', model, { search: view });
    return c.html(html, Object.keys(errors).length ? 400 : 200, HEADERS);
  });
