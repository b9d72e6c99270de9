/**
 * What a search finds: references named first, then text matches, under every filter. The
 * FTS5 expression is built here from the feature's rules; the store only runs SQL.
 */
import type { Executor } from '../../platform/db/client.ts';
import { matchExpression } from './rules.ts';
import type { SearchCriteria } from './schemas.ts';
import { findMatches, type SearchFound, servicesOf } from './store.ts';

const KINDS = ['incident', 'maintenance'] as const;

/**
 * What a search finds, at most `limit`: first the incidents and windows the typed words name
 * by reference (INC-6, MNT-2, 6), then those whose words match, newest first; every filter
 * applies to both. `internal` (the desk) also searches the commander's name; the public
 * search never does. Drafts are never found.
 */
export async function searchPublished(db: Executor, criteria: SearchCriteria, options: { internal: boolean; limit: number }): Promise<SearchFound> {
  // The commander's name (the `internal` column) is the desk's to search; windows have none.
  const expressions = {
    incident: matchExpression(criteria.words, options.internal ? ['title', 'body', 'internal'] : ['title', 'body']),
    maintenance: matchExpression(criteria.words, ['title', 'body']),
  };
  const named = await findMatches(
    db,
    criteria,
    KINDS.map((kind) => ({ kind, match: null, ids: criteria.mentioned.filter((r) => r.kind === kind).map((r) => r.id) })),
    options.limit,
  );
  // The order typed, incidents before windows of the same number.
  const order = new Map(criteria.mentioned.map((r, n) => [`${r.kind}:${r.id}`, n]));
  named.rows.sort((a, b) => (order.get(`${a.kind}:${a.id}`) ?? 0) - (order.get(`${b.kind}:${b.id}`) ?? 0));
  // Typed words that hold nothing to find ("%%%") find nothing; no words typed at all: every filter alone.
  const textual = criteria.typed
    ? criteria.words.length === 0
      ? { rows: [], total: 0 }
      : await findMatches(
          db,
          criteria,
          KINDS.map((kind) => ({ kind, match: expressions[kind], ids: null })),
          options.limit + named.rows.length,
        )
    : criteria.mentioned.length > 0
      ? { rows: [], total: 0 }
      : await findMatches(
          db,
          criteria,
          KINDS.map((kind) => ({ kind, match: null, ids: null })),
          options.limit,
        );
  const seen = new Set(named.rows.map((r) => `${r.kind}:${r.id}`));
  const others = textual.rows.filter((r) => !seen.has(`${r.kind}:${r.id}`));
  const rows = [...named.rows, ...others].slice(0, options.limit);
  const services = await servicesOf(db, rows);
  return {
    hits: rows.map((r) => ({ ...r, services: services.get(`${r.kind}:${r.id}`) ?? [] })),
    total: named.rows.length + Math.max(0, textual.total - (textual.rows.length - others.length)),
  };
}
