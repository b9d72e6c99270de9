import { Hono } from 'hono';
import { loadIncidents } from '../../db/incidents.ts';
import { searchIncidentIds } from '../../db/search.ts';
import { asksForAnything, IncidentSearchQuery, searchCriteria } from '../../domain/search.ts';
import type { AppDeps, HeraldEnv } from '../../http/env.ts';
import type { SearchView } from '../../publish/search-view.ts';
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
    if (parsed.success && asksForAnything(parsed.data)) {
      const ids = await searchIncidentIds(deps.db, searchCriteria(parsed.data), { internal: true });
      const records = ids.length ? await loadIncidents(deps.db, { state: 'all', ids }) : [];
      const byId = new Map(records.map((r) => [r.id, r]));
      results = ids.flatMap((id) => {
        const r = byId.get(id);
        return r ? [{ ref: `INC-${r.id}`, title: r.title, severity: r.severity, status: r.status, startedAt: r.startedAt, resolvedAt: r.resolvedAt, services: r.services }] : [];
      });
    }
    const services = await serviceOptions(deps.db);
    return renderDesk(c, deps, { ...common(c, deps), page: 'search', search: { values, errors, results }, services }, Object.keys(errors).length ? 400 : 200);
  });
