/**
 * upstream_states in SQL: each declared provider and what Herald last read of it. What a poll
 * does to a row is decided in rules.ts.
 */
import type { Row } from '@libsql/client';
import type { Executor } from '../../platform/db/client.ts';
import type { ServiceStatus } from '../../shared/vocabulary.ts';
import type { UpstreamDeclaration, UpstreamState, UpstreamView } from './schemas.ts';

const toState = (r: Row): UpstreamState => ({
  upstreamStatus: r.upstream_status === null ? null : (String(r.upstream_status) as ServiceStatus),
  known: Number(r.known) === 1,
  failures: Number(r.failures),
  lastError: r.last_error === null ? null : String(r.last_error),
  lastReadAt: r.last_read_at === null ? null : String(r.last_read_at),
  checkedAt: r.checked_at === null ? null : String(r.checked_at),
  unreadableSince: r.unreadable_since === null ? null : String(r.unreadable_since),
  incident: r.incident_name === null || r.incident_url === null ? null : { name: String(r.incident_name), url: String(r.incident_url) },
});

/** A provider as stored: its view but for the page link, which is derived from the URL (rules.ts). */
export type UpstreamRow = Omit<UpstreamView, 'pageUrl'>;

const toRow = (r: Row): UpstreamRow & { slug: string } => ({
  slug: String(r.slug),
  provider: String(r.provider),
  url: String(r.url),
  component: String(r.component),
  followStatus: Number(r.follow_status) === 1,
  ...toState(r),
});

/**
 * Makes upstream_states match the catalogue: a row per declared service (its source updated, what
 * was read kept unless the URL or component changed), none for a service that no longer names one.
 * A declared slug with no live service is skipped (the catalogue sync made every one).
 */
export async function syncDeclarations(db: Executor, declarations: readonly UpstreamDeclaration[], now: Date): Promise<void> {
  const at = now.toISOString();
  for (const { slug, source, provider } of declarations) {
    await db.execute({
      sql: `INSERT INTO upstream_states (service_id, url, component, provider, follow_status, updated_at)
            SELECT id, ?, ?, ?, ?, ? FROM services WHERE slug = ? AND archived_at IS NULL
            ON CONFLICT (service_id) DO UPDATE SET
              upstream_status = CASE WHEN url IS excluded.url AND component IS excluded.component THEN upstream_status END,
              known = CASE WHEN url IS excluded.url AND component IS excluded.component THEN known ELSE 0 END,
              failures = CASE WHEN url IS excluded.url AND component IS excluded.component THEN failures ELSE 0 END,
              last_read_at = CASE WHEN url IS excluded.url AND component IS excluded.component THEN last_read_at END,
              incident_name = CASE WHEN url IS excluded.url AND component IS excluded.component THEN incident_name END,
              incident_url = CASE WHEN url IS excluded.url AND component IS excluded.component THEN incident_url END,
              url = excluded.url, component = excluded.component, provider = excluded.provider,
              follow_status = excluded.follow_status, updated_at = excluded.updated_at`,
      args: [source.url, source.component, provider, source.followStatus ? 1 : 0, at, slug],
    });
  }
  const slugs = declarations.map((d) => d.slug);
  await db.execute({
    sql: `DELETE FROM upstream_states WHERE service_id NOT IN (
            SELECT id FROM services WHERE archived_at IS NULL AND slug IN (${slugs.map(() => '?').join(',') || 'NULL'}))`,
    args: slugs,
  });
}

/** What Herald knows of a service's provider; null when the service names none (or is gone). */
export async function findState(db: Executor, slug: string): Promise<UpstreamState | null> {
  const { rows } = await db.execute({
    sql: `SELECT u.* FROM upstream_states u JOIN services s ON s.id = u.service_id WHERE s.slug = ? AND s.archived_at IS NULL`,
    args: [slug],
  });
  return rows[0] ? toState(rows[0]) : null;
}

export async function saveState(db: Executor, slug: string, state: UpstreamState, now: Date): Promise<void> {
  await db.execute({
    sql: `UPDATE upstream_states SET upstream_status = ?, known = ?, failures = ?, last_error = ?, last_read_at = ?, checked_at = ?,
            unreadable_since = ?, incident_name = ?, incident_url = ?, updated_at = ? WHERE service_id = (SELECT id FROM services WHERE slug = ? AND archived_at IS NULL)`,
    args: [
      state.upstreamStatus,
      state.known ? 1 : 0,
      state.failures,
      state.lastError,
      state.lastReadAt,
      state.checkedAt,
      state.unreadableSince,
      state.incident?.name ?? null,
      state.incident?.url ?? null,
      now.toISOString(),
      slug,
    ],
  });
}

/** Every live service's provider, by service slug. */
export async function listUpstreamRows(db: Executor): Promise<Map<string, UpstreamRow>> {
  const { rows } = await db.execute(
    `SELECT s.slug, u.* FROM upstream_states u JOIN services s ON s.id = u.service_id WHERE s.archived_at IS NULL ORDER BY s.slug`,
  );
  return new Map(
    rows.map((r) => {
      const { slug, ...view } = toRow(r);
      return [slug, view];
    }),
  );
}
