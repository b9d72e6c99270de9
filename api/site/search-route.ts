import { Hono } from 'hono';
import type { MessageKey } from '../shared/messages.ts';
import { asksForAnything, IncidentSearchQuery, searchCriteria } from '../features/search/index.ts';
import type { AppDeps, HeraldEnv } from '../deps.ts';
import { findIncidents, type SearchView } from './search.ts';

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

/** What customers read about a field the form cannot search by: the catalogue's words, by field (the schema's are the desk's). */
const problemKey = (field: string, code: string): MessageKey => {
  if (field === 'q') return 'search.error.long';
  if (field === 'ref') return 'search.error.ref';
  if (field === 'to' && code === 'custom') return 'search.error.order';
  if (field === 'from' || field === 'to') return 'search.error.date';
  return 'search.error.choice';
};

/**
 * GET /search?q=…&ref=…&service=…&severity=…&from=…&to=… — the public search, a plain GET form
 * whose URL is the search. Every published incident of the whole history can be found (the
 * site's model holds only the recent ones); what is shown of each is what its public page
 * shows, so nothing internal (the commander, tickets, drafts) shows.
 */
export const publicSearchRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().get('/search', async (c) => {
    const model = deps.publisher.current() ?? (await deps.publisher.publish('all')).model;
    if (!deps.renderPage) return c.text('Search needs the built site (npm run build).', 503);
    const typed = typedOf(c.req.query());
    const parsed = IncidentSearchQuery.safeParse(typed);
    const errors: Record<string, string> = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? 'form');
        errors[field] ??= model.messages.t(problemKey(field, issue.code));
      }
    }
    let results: SearchView['results'] = null;
    if (parsed.success && asksForAnything(parsed.data)) results = await findIncidents(deps.db, searchCriteria(parsed.data), { internal: false });
    const view: SearchView = { values: typed, errors, results };
    const html = await deps.renderPage('/search', model, { search: view });
    return c.html(html, Object.keys(errors).length ? 400 : 200, HEADERS);
  });
