/**
 * Draft incidents in SQL: the alert groups that open them, the alert notes on their internal
 * timeline, and their release — the moment a draft becomes an incident readers see.
 */
import type { Executor } from '../../platform/db/client.ts';
import type { Severity } from '../../shared/vocabulary.ts';
import type { Alert } from './schemas.ts';

export type AlertGroup = { id: number; incidentId: number; incidentStatus: string; draft: boolean };

/** The incident an alert group's alerts attach to, or null for a group never seen. */
export async function findAlertGroup(db: Executor, source: Alert['source'], groupKey: string): Promise<AlertGroup | null> {
  const { rows } = await db.execute({
    sql: `SELECT g.id, g.incident_id, i.status, i.draft FROM alert_groups g JOIN incidents i ON i.id = g.incident_id
          WHERE g.source = ? AND g.group_key = ?`,
    args: [source, groupKey],
  });
  const row = rows[0];
  return row ? { id: Number(row.id), incidentId: Number(row.incident_id), incidentStatus: String(row.status), draft: Number(row.draft) === 1 } : null;
}

/**
 * Names the incident a group's alerts attach to: a new group's row, or (when the group's last
 * incident was resolved and it fires again) the same row pointed at the new draft. A new row
 * is a plain insert: if another writer made the group's row first, the unique (source,
 * group_key) key fails this one, rather than leaving two drafts for one group.
 */
export async function pointAlertGroup(
  tx: Executor,
  existing: AlertGroup | null,
  alert: Pick<Alert, 'source' | 'groupKey'>,
  incidentId: number,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  if (existing) {
    await tx.execute({ sql: 'UPDATE alert_groups SET incident_id = ?, updated_at = ? WHERE id = ?', args: [incidentId, at, existing.id] });
    return;
  }
  await tx.execute({
    sql: 'INSERT INTO alert_groups (source, group_key, incident_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    args: [alert.source, alert.groupKey, incidentId, at, at],
  });
}

/**
 * Records a delivery of an event by the sender's id; false when it was recorded before (a
 * delivery sent again, or replayed). Events older than `forgetBefore` are forgotten first:
 * their `occurred_at` alone refuses them now.
 */
export async function claimEvent(
  tx: Executor,
  event: { source: Alert['source']; eventId: string; occurredAt: string },
  now: Date,
  forgetBefore: Date,
): Promise<boolean> {
  await tx.execute({ sql: 'DELETE FROM intake_events WHERE occurred_at < ?', args: [forgetBefore.toISOString()] });
  const { rowsAffected } = await tx.execute({
    sql: 'INSERT OR IGNORE INTO intake_events (source, event_id, occurred_at, received_at) VALUES (?, ?, ?, ?)',
    args: [event.source, event.eventId, event.occurredAt, now.toISOString()],
  });
  return rowsAffected === 1;
}

/** Drafts still open: neither released nor discarded. */
export async function countOpenDrafts(db: Executor): Promise<number> {
  const { rows } = await db.execute("SELECT count(*) AS n FROM incidents WHERE draft = 1 AND status != 'resolved'");
  return Number(rows[0]?.n ?? 0);
}

/** The newest open draft naming any of the services `slugs`, or null. */
export async function openDraftNaming(db: Executor, slugs: readonly string[]): Promise<number | null> {
  if (slugs.length === 0) return null;
  const { rows } = await db.execute({
    sql: `SELECT i.id FROM incidents i WHERE i.draft = 1 AND i.status != 'resolved'
          AND EXISTS (SELECT 1 FROM incident_services x JOIN services s ON s.id = x.service_id WHERE x.incident_id = i.id AND s.slug IN (${slugs.map(() => '?').join(', ')}))
          ORDER BY i.id DESC LIMIT 1`,
    args: [...slugs],
  });
  return rows[0] ? Number(rows[0].id) : null;
}

/** Slugs of live services among `hints` (slugs, or names in any case), in the order given. */
export async function matchServices(db: Executor, hints: readonly string[]): Promise<string[]> {
  if (hints.length === 0) return [];
  const { rows } = await db.execute('SELECT slug, name FROM services WHERE archived_at IS NULL');
  const bySlug = new Set(rows.map((r) => String(r.slug)));
  const byName = new Map(rows.map((r) => [String(r.name).toLowerCase(), String(r.slug)]));
  const found = hints.map((h) => (bySlug.has(h) ? h : byName.get(h.toLowerCase()))).filter((s): s is string => s !== undefined);
  return [...new Set(found)];
}

/** Inserts a draft: an incident with no update, seen by nobody outside. @returns its id. */
export async function insertDraft(tx: Executor, draft: { title: string; severity: Severity; detectedAt: string }, now: Date): Promise<number> {
  const at = now.toISOString();
  const inserted = await tx.execute({
    sql: `INSERT INTO incidents (title, severity, status, started_at, updated_at, detected_at, draft)
          VALUES (?, ?, 'investigating', ?, ?, ?, 1) RETURNING id`,
    args: [draft.title, draft.severity, at, at, draft.detectedAt],
  });
  return Number(inserted.rows[0]?.id);
}

/** Names services on a draft. */
export async function linkServices(tx: Executor, incidentId: number, serviceIds: Iterable<number>): Promise<void> {
  for (const serviceId of serviceIds) {
    await tx.execute({ sql: 'INSERT INTO incident_services (incident_id, service_id) VALUES (?, ?)', args: [incidentId, serviceId] });
  }
}

/** Adds an alert to an incident's internal timeline; an earlier firing start moves `detected_at` back. */
export async function insertAlertNote(tx: Executor, incidentId: number, alert: Alert, now: Date): Promise<void> {
  await tx.execute({
    sql: 'INSERT INTO incident_alerts (incident_id, source, status, summary, link, received_at) VALUES (?, ?, ?, ?, ?, ?)',
    args: [incidentId, alert.source, alert.status, alert.summary, alert.link, now.toISOString()],
  });
  if (alert.detectedAt && alert.status === 'firing' && Date.parse(alert.detectedAt) <= now.getTime()) {
    await tx.execute({
      sql: 'UPDATE incidents SET detected_at = ? WHERE id = ? AND (detected_at IS NULL OR detected_at > ?)',
      args: [alert.detectedAt, incidentId, alert.detectedAt],
    });
  }
}

/** What a release sets on the draft's row; the other fields keep their value when null. */
export type ReleasedRow = {
  status: string;
  title: string;
  severity: Severity;
  impact: string | null;
  commander: string | null;
  rootCause: string | null;
  postmortemUrl: string | null;
};

/** Makes a draft public from `now`: it starts then, with the fields the person gave. */
export async function markReleased(tx: Executor, id: number, row: ReleasedRow, now: Date): Promise<void> {
  const at = now.toISOString();
  await tx.execute({
    sql: `UPDATE incidents SET draft = 0, started_at = ?, updated_at = ?, status = ?, resolved_at = ?, title = ?, severity = ?,
          impact = coalesce(?, impact), commander = coalesce(?, commander), root_cause = coalesce(?, root_cause),
          postmortem_url = coalesce(?, postmortem_url) WHERE id = ? AND draft = 1`,
    args: [at, at, row.status, row.status === 'resolved' ? at : null, row.title, row.severity, row.impact, row.commander, row.rootCause, row.postmortemUrl, id],
  });
}

/** Closes a draft nobody will release; the row, its alerts and audit trail stay. */
export async function markDiscarded(tx: Executor, id: number, now: Date): Promise<void> {
  const at = now.toISOString();
  await tx.execute({ sql: `UPDATE incidents SET status = 'resolved', resolved_at = ?, updated_at = ? WHERE id = ? AND draft = 1`, args: [at, at, id] });
}
