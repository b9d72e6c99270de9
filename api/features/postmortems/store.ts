/** An incident's postmortem in SQL: its columns of the incidents table. SQL only. */
import type { Executor } from '../../platform/db/client.ts';
import type { PostmortemFields, PostmortemRecord } from './schemas.ts';

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** An incident's postmortem, status and commander; null when there is no such incident. */
export async function findPostmortem(db: Executor, incidentId: number): Promise<PostmortemRecord | null> {
  const { rows } = await db.execute({
    sql: `SELECT status, draft, commander, postmortem_url, postmortem_completed_at, postmortem_draft, postmortem_body, postmortem_published_at,
                 postmortem_notified_at FROM incidents WHERE id = ?`,
    args: [incidentId],
  });
  const r = rows[0];
  if (!r) return null;
  return {
    status: String(r.status),
    draft: Number(r.draft) === 1,
    commander: text(r.commander),
    url: text(r.postmortem_url),
    completedAt: text(r.postmortem_completed_at),
    text: text(r.postmortem_draft),
    body: text(r.postmortem_body),
    publishedAt: text(r.postmortem_published_at),
    notifiedAt: text(r.postmortem_notified_at),
  };
}

/** Writes every postmortem column; `changedAt`, when given, is the incident's time of last change (what customers see changed). */
export async function writePostmortem(db: Executor, incidentId: number, fields: PostmortemFields, changedAt: string | null): Promise<void> {
  await db.execute({
    sql: `UPDATE incidents SET postmortem_url = ?, postmortem_completed_at = ?, postmortem_draft = ?, postmortem_body = ?, postmortem_published_at = ?,
          postmortem_notified_at = ?, updated_at = coalesce(?, updated_at) WHERE id = ?`,
    args: [fields.url, fields.completedAt, fields.text, fields.body, fields.publishedAt, fields.notifiedAt, changedAt, incidentId],
  });
}
