/**
 * Search in SQL: the full-text indexes (incident_search, maintenance_search, FTS5, kept in step
 * by triggers: migration 0016) and the filters. SQL only.
 */
import type { Executor } from '../../platform/db/client.ts';
import type { RefKind } from '../../shared/refs.ts';
import { matchExpression } from './rules.ts';
import type { SearchCriteria } from './schemas.ts';

/** One incident or maintenance window a search found: what a results list shows of it. */
export type SearchHit = {
  kind: RefKind;
  id: number;
  title: string;
  /** An incident's; null for maintenance. */
  severity: string | null;
  status: string;
  /** When the incident started, or the window was scheduled to. */
  at: string;
  /** When it was resolved or completed; null while it goes on. */
  endedAt: string | null;
  services: { slug: string; name: string }[];
};

export type SearchFound = {
  hits: SearchHit[];
  /** Everything that matched, of which `hits` are the first (references named, then newest first). */
  total: number;
};

const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

type Part = { sql: string; args: (string | number)[] };

/**
 * The SELECT of one kind's matches (incidents or maintenance) under every filter: `match` the
 * FTS5 expression (null: no text), `ids` the references it must be among (null: any).
 */
function select(kind: RefKind, criteria: SearchCriteria, match: string | null, ids: readonly number[] | null): Part | null {
  const incident = kind === 'incident';
  if (!incident && criteria.severity) return null;
  if (criteria.only && criteria.only.kind !== kind) return null;
  const table = incident ? 'incidents' : 'maintenances';
  const at = incident ? 't.started_at' : 't.scheduled_for';
  const where: string[] = [];
  const args: (string | number)[] = [];
  let from = `${table} t`;
  if (match !== null) {
    const index = incident ? 'incident_search' : 'maintenance_search';
    from = `${index} f JOIN ${table} t ON t.id = f.rowid`;
    where.push(`${index} MATCH ?`);
    args.push(match);
  }
  if (ids !== null) {
    if (ids.length === 0) return null;
    where.push(`t.id IN (${placeholders(ids.length)})`);
    args.push(...ids);
  }
  if (criteria.only) {
    where.push('t.id = ?');
    args.push(criteria.only.id);
  }
  if (criteria.serviceSlug) {
    where.push(
      incident
        ? 'EXISTS (SELECT 1 FROM incident_services x JOIN services s ON s.id = x.service_id WHERE x.incident_id = t.id AND s.slug = ?)'
        : 'EXISTS (SELECT 1 FROM maintenance_services x JOIN services s ON s.id = x.service_id WHERE x.maintenance_id = t.id AND s.slug = ?)',
    );
    args.push(criteria.serviceSlug);
  }
  if (incident && criteria.severity) {
    where.push('t.severity = ?');
    args.push(criteria.severity);
  }
  if (criteria.from) {
    where.push(`${at} >= ?`);
    args.push(`${criteria.from}T00:00:00.000Z`);
  }
  if (criteria.to) {
    where.push(`${at} < ?`);
    args.push(dayAfter(criteria.to));
  }
  // Drafts are nobody's to find until released: the desk lists them at its top.
  if (incident) where.push('t.draft = 0');
  const columns = incident
    ? `'incident' AS kind, t.id, t.title, t.severity, t.status, t.started_at AS at, t.resolved_at AS ended_at`
    : `'maintenance' AS kind, t.id, t.title, NULL AS severity, t.status, t.scheduled_for AS at, t.completed_at AS ended_at`;
  return { sql: `SELECT ${columns} FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, args };
}

/** Incidents and windows under one ordering, newest first, with how many there are in all. */
async function run(db: Executor, parts: (Part | null)[], limit: number): Promise<{ rows: Omit<SearchHit, 'services'>[]; total: number }> {
  const present = parts.filter((p): p is Part => p !== null);
  if (present.length === 0) return { rows: [], total: 0 };
  const { rows } = await db.execute({
    sql: `SELECT *, count(*) OVER () AS total FROM (${present.map((p) => p.sql).join(' UNION ALL ')}) ORDER BY at DESC, kind, id DESC LIMIT ?`,
    args: [...present.flatMap((p) => p.args), limit],
  });
  return {
    rows: rows.map((r) => ({
      kind: String(r.kind) as RefKind,
      id: Number(r.id),
      title: String(r.title),
      severity: r.severity === null ? null : String(r.severity),
      status: String(r.status),
      at: String(r.at),
      endedAt: r.ended_at === null ? null : String(r.ended_at),
    })),
    total: Number(rows[0]?.total ?? 0),
  };
}

/** The services each hit names, in the catalogue's order. */
async function servicesOf(db: Executor, hits: readonly Omit<SearchHit, 'services'>[]): Promise<Map<string, SearchHit['services']>> {
  const byHit = new Map<string, SearchHit['services']>();
  const incidents = hits.filter((h) => h.kind === 'incident').map((h) => h.id);
  const windows = hits.filter((h) => h.kind === 'maintenance').map((h) => h.id);
  const read = async (kind: RefKind, ids: number[]) => {
    if (ids.length === 0) return;
    const [table, column] = kind === 'incident' ? ['incident_services', 'incident_id'] : ['maintenance_services', 'maintenance_id'];
    const { rows } = await db.execute({
      sql: `SELECT x.${column} AS owner, s.slug, s.name FROM ${table} x JOIN services s ON s.id = x.service_id
            WHERE x.${column} IN (${placeholders(ids.length)}) ORDER BY s.position, s.name`,
      args: ids,
    });
    for (const r of rows) {
      const key = `${kind}:${Number(r.owner)}`;
      byHit.set(key, [...(byHit.get(key) ?? []), { slug: String(r.slug), name: String(r.name) }]);
    }
  };
  await read('incident', incidents);
  await read('maintenance', windows);
  return byHit;
}

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
  const named = await run(
    db,
    (['incident', 'maintenance'] as const).map((kind) =>
      select(
        kind,
        criteria,
        null,
        criteria.mentioned.filter((r) => r.kind === kind).map((r) => r.id),
      ),
    ),
    options.limit,
  );
  // The order typed, incidents before windows of the same number.
  const order = new Map(criteria.mentioned.map((r, n) => [`${r.kind}:${r.id}`, n]));
  named.rows.sort((a, b) => (order.get(`${a.kind}:${a.id}`) ?? 0) - (order.get(`${b.kind}:${b.id}`) ?? 0));
  // Typed words that hold nothing to find ("%%%") find nothing; no words typed at all: every filter alone.
  const textual = criteria.typed
    ? criteria.words.length === 0
      ? { rows: [], total: 0 }
      : await run(
          db,
          (['incident', 'maintenance'] as const).map((kind) => select(kind, criteria, expressions[kind], null)),
          options.limit + named.rows.length,
        )
    : criteria.mentioned.length > 0
      ? { rows: [], total: 0 }
      : await run(
          db,
          (['incident', 'maintenance'] as const).map((kind) => select(kind, criteria, null, null)),
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
