/**
 * Search in SQL: the full-text indexes (incident_search, maintenance_search, FTS5, kept in step
 * by triggers: migration 0016) and the filters. SQL only.
 */
import type { Executor } from '../../platform/db/client.ts';
import type { RefKind } from '../../shared/refs.ts';
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

/** What to look for among one kind: `match` an FTS5 expression (null: no text), `ids` the references it must be among (null: any). */
export type Wanted = { kind: RefKind; match: string | null; ids: readonly number[] | null };

/** Incidents and windows under one ordering, newest first, at most `limit`, with how many there are in all. */
export async function findMatches(db: Executor, criteria: SearchCriteria, wanted: readonly Wanted[], limit: number) {
  return run(
    db,
    wanted.map((w) => select(w.kind, criteria, w.match, w.ids)),
    limit,
  );
}

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
export async function servicesOf(db: Executor, hits: readonly Omit<SearchHit, 'services'>[]): Promise<Map<string, SearchHit['services']>> {
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
