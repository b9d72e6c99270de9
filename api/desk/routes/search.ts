import { Hono } from 'hono';
import { asksForAnything, IncidentSearchQuery, searchCriteria } from '../../features/search/index.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { findIncidents, type SearchView } from '../../site/search.ts';
import { common, renderDesk } from '../render.ts';
import { serviceOptions } from './data.ts';

/**
 * GET /admin/search?q=…&ref=…&service=…&severity=…&from=…&to=… — every incident, the
 * commander's name searched too; a plain GET form whose URL is the search to share.
 */
export const deskSearchRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().get('/admin/search', async (c) => {
    const query = c.req.query();
    const values = { q: query.q ?? '', ref: query.ref ?? '', service: query.service ?? '', severity: query.severity ?? '', from: query.from ?? '', to: query.to ?? '' };
    const parsed = IncidentSearchQuery.safeParse(values);
    const errors: Record<string, string> = {};
    if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
    let results: SearchView['results'] = null;
    if (parsed.success && asksForAnything(parsed.data)) results = await findIncidents(deps.db, searchCriteria(parsed.data), { internal: true });
    const services = await serviceOptions(deps.db);
    return renderDesk(c, deps, { ...common(c, deps), page: 'search', search: { values, errors, results }, services }, Object.keys(errors).length ? 400 : 200);
  });
