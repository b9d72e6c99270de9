/** Incident search: SQL only. Text is matched with LIKE, its wildcards escaped. */
import type { Executor } from '../../platform/db/client.ts';

export type IncidentSearch = {
  /** Words to find in the title, impact, root cause or any update (the commander too, internally). */
  text?: string;
  incidentId?: number;
  serviceSlug?: string;
  severity?: string;
  /** Started on or after this day (YYYY-MM-DD, UTC). */
  from?: string;
  /** Started on or before this day (YYYY-MM-DD, UTC). */
  to?: string;
  limit?: number;
};

/**
 * A LIKE pattern that finds `text` anywhere, its own `%`, `_` and `\` taken literally
 * (with `ESCAPE '\'`).
 * @example likeAnywhere('50%_off') // '%50\\%\\_off%'
 */
export const likeAnywhere = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();

/**
 * The ids of the incidents that match every criterion given, newest first. `internal` also
 * searches the commander's name (the desk); the public search never does.
 */
export async function searchIncidentIds(db: Executor, search: IncidentSearch, options: { internal: boolean }): Promise<number[]> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const text = search.text?.trim();
  if (text) {
    const pattern = likeAnywhere(text);
    const columns = ['i.title', 'i.impact', 'i.root_cause', ...(options.internal ? ['i.commander'] : [])];
    where.push(
      `(${columns.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')} OR EXISTS (SELECT 1 FROM incident_updates u WHERE u.incident_id = i.id AND u.message LIKE ? ESCAPE '\\'))`,
    );
    args.push(...columns.map(() => pattern), pattern);
  }
  if (search.incidentId !== undefined) {
    where.push('i.id = ?');
    args.push(search.incidentId);
  }
  if (search.serviceSlug) {
    where.push('EXISTS (SELECT 1 FROM incident_services x JOIN services s ON s.id = x.service_id WHERE x.incident_id = i.id AND s.slug = ?)');
    args.push(search.serviceSlug);
  }
  if (search.severity) {
    where.push('i.severity = ?');
    args.push(search.severity);
  }
  if (search.from) {
    where.push('i.started_at >= ?');
    args.push(`${search.from}T00:00:00.000Z`);
  }
  if (search.to) {
    where.push('i.started_at < ?');
    args.push(dayAfter(search.to));
  }
  // Drafts are nobody's to find until published: the desk lists them at its top.
  where.push('i.draft = 0');
  const { rows } = await db.execute({
    sql: `SELECT i.id FROM incidents i ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY i.started_at DESC, i.id DESC LIMIT ?`,
    args: [...args, Math.min(search.limit ?? 100, 500)],
  });
  return rows.map((r) => Number(r.id));
}
