import { Hono, type Context } from 'hono';
import { searchKey } from '../features/search/index.ts';
import type { AppDeps, HeraldEnv } from '../deps.ts';
import { clientAddress } from '../platform/http/client-address.ts';
import { pageSecurityHeaders } from '../platform/http/csp.ts';
import { createThrottle } from '../platform/http/throttle.ts';
import { UnavailableError } from '../shared/errors.ts';
import type { MessageKey } from '../shared/messages.ts';
import type { SiteModel } from './model.ts';
import { createPageCache, type CachedPage } from './search-cache.ts';
import { createSearchGate, type SearchGate } from './search-gate.ts';
import { runSearch, searchValues, type SearchView } from './search.ts';

/**
 * Searches not already rendered that all clients together may have run per second: each costs
 * the process a render (~10–20 ms), so a flood from many addresses takes at most a small share
 * of it from the published pages.
 */
export const SEARCH_BUDGET = { limit: 10, windowMs: 1_000 } as const;
/** Rendered search pages kept for the site as published: at most this many, and this many characters. */
export const SEARCH_CACHE = { maxEntries: 500, maxBytes: 8 * 1024 * 1024 } as const;

/** How long a client is asked to wait while search is busy, or the database away. */
const BUSY_RETRY_SECONDS = 1;
const UNAVAILABLE_RETRY_SECONDS = 30;

/** What customers read about a field the form cannot search by: the catalogue's words, by field (the schema's are the desk's). */
const problemKey = (field: string, code: string): MessageKey => {
  if (field === 'q') return 'search.error.long';
  if (field === 'ref') return 'search.error.ref';
  if (field === 'to' && code === 'custom') return 'search.error.order';
  if (field === 'from' || field === 'to') return 'search.error.date';
  return 'search.error.choice';
};

const EMPTY = searchValues({});

/**
 * GET /search?q=…&ref=…&service=…&severity=…&from=…&to=… — the public search, a plain GET form
 * whose URL is the search. Every published incident and maintenance window of the whole
 * history can be found, by words or by reference (INC-6, MNT-2, 6); what is shown of each is
 * what its public page shows, so nothing internal (the commander, tickets, drafts) shows.
 *
 * Search must never slow the published pages or the desk, whoever floods it:
 * - each client address may search SEARCH_THROTTLE times a minute (429 and Retry-After past it),
 *   the 429 answered before routing once rendered (`search-gate.ts`);
 * - a page rendered is kept until the next publish (SEARCH_CACHE), so a search asked again
 *   costs a lookup;
 * - searches not kept are run at most SEARCH_BUDGET a second in all (503 and Retry-After past it);
 * - the index (SQLite FTS5) is read on a connection of its own (`deps.searchDb`), never on the
 *   one writes wait their turn on.
 */
export function publicSearchRoutes(deps: AppDeps) {
  const gate: SearchGate = deps.searchGate ?? searchGateFor(deps);
  const budget = createThrottle(SEARCH_BUDGET);
  const cache = createPageCache<SiteModel>(SEARCH_CACHE);
  const db = deps.searchDb ?? deps.db;

  /** The search page for `view`, rendered for the published site `model`, with the headers every page has. */
  const render = async (model: SiteModel, view: SearchView, status: number, headers: Record<string, string> = {}): Promise<CachedPage> => {
    const body = await deps.renderPage!('/search', model, { search: view });
    return {
      body,
      status,
      headers: {
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...pageSecurityHeaders(body, { framing: false, referrer: 'same-origin' }),
        ...headers,
      },
    };
  };

  /** The empty form with a notice instead of results (too many searches, search busy or away): one page per published site. */
  const notice = (model: SiteModel, key: MessageKey, status: number) =>
    cache.get(model, `!${key}`, () => render(model, { values: EMPTY, errors: {}, results: null, total: 0, notice: model.messages.t(key) }, status));

  const answer = (c: Context<HeraldEnv>, page: CachedPage, extra: Record<string, string> = {}) =>
    c.html(page.body, page.status as 200, { ...page.headers, ...extra });

  return new Hono<HeraldEnv>().get('/search', async (c) => {
    const model = deps.publisher.current() ?? (await deps.publisher.publish('all')).model;
    if (!deps.renderPage) return c.text('Search needs the built site (npm run build).', 503);
    const now = deps.clock.now();
    const address = clientAddress(c, deps.config.trustProxy);
    if (!gate.admit(address, now)) {
      deps.metrics.observeSearchRefused('throttled');
      const page = await notice(model, 'search.throttled', 429);
      gate.keepRefusal(model, page);
      return answer(c, page, { 'retry-after': gate.retryAfter(address, now) });
    }
    const values = searchValues(c.req.query());
    const key = searchKey(values);
    const kept = cache.peek(model, key);
    if (kept) return answer(c, kept);
    // The same search asked a moment ago and still running: its page, at no further cost.
    const making = cache.pending(model, key);
    if (making) return answer(c, await making);
    // Real time, not the app's clock: the budget shares out the process's CPU.
    if (!budget.hit('all', new Date(performance.timeOrigin + performance.now()))) {
      deps.metrics.observeSearchRefused('busy');
      return answer(c, await notice(model, 'search.busy', 503), { 'retry-after': String(BUSY_RETRY_SECONDS) });
    }
    try {
      const page = await cache.get(model, key, async () => {
        const found = await runSearch(db, values, { internal: false, problem: (field, code) => model.messages.t(problemKey(field, code)) });
        return render(model, { values, ...found }, Object.keys(found.errors).length ? 400 : 200);
      });
      return answer(c, page);
    } catch (error) {
      if (!(error instanceof UnavailableError)) throw error;
      // The database is away: the published pages are still served; search says so, as a page.
      return answer(c, await notice(model, 'search.unavailable', 503), { 'retry-after': String(UNAVAILABLE_RETRY_SECONDS) });
    }
  });
}

/** The search gate for `deps`: the one the server answers early with, or one of the route's own (tests that build the app alone). */
export const searchGateFor = (deps: Pick<AppDeps, 'config' | 'publisher' | 'clock' | 'metrics'>): SearchGate =>
  createSearchGate({
    trustProxy: deps.config.trustProxy,
    current: () => deps.publisher.current(),
    now: () => deps.clock.now(),
    onRefused: () => deps.metrics.observeSearchRefused('throttled'),
  });
