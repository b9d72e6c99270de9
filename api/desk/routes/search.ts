import { Hono } from 'hono';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { runSearch, searchValues } from '../../site/search.ts';
import { common, renderDesk } from '../render.ts';
import { serviceOptions } from './data.ts';

/**
 * GET /admin/search?q=…&ref=…&service=…&severity=…&from=…&to=… — every incident and maintenance
 * window, the commander's name searched too; a plain GET form whose URL is the search to share.
 * Read on the search connection (`deps.searchDb`), so a search never waits behind a write.
 */
export const deskSearchRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().get('/admin/search', async (c) => {
    const values = searchValues(c.req.query());
    const found = await runSearch(deps.searchDb ?? deps.db, values, { internal: true });
    const services = await serviceOptions(deps.db);
    return renderDesk(c, deps, { ...common(c, deps), page: 'search', search: { values, ...found }, services }, Object.keys(found.errors).length ? 400 : 200);
  });
