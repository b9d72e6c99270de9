/**
 * Draft incidents in SQL: the alert groups that open them, the alert notes on their internal
 * timeline, and their release — the moment a draft becomes an incident readers see.
 */
import type { Transaction } from '@libsql/client';
import type { Alert } from './rules.ts';
import { planServiceChanges } from '../incidents/index.ts';
import { makeRef } from '../../shared/refs.ts';
import type { ReleaseDraftInput } from '../../shared/schemas.ts';
import type { Severity } from '../../shared/vocabulary.ts';
import { ConflictError } from '../../shared/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { Executor } from '../../platform/db/client.ts';
import { addAffectedServices, defaultNotify, insertUpdate, loadIncident, resolveServices, type WriteContext } from '../incidents/index.ts';

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

/** Opens a draft: an incident with no update, seen by nobody outside, naming the alert's services. */
export async function createDraft(
  tx: Transaction,
  draft: { title: string; severity: Severity; services: readonly string[]; detectedAt: string },
  ctx: WriteContext,
): Promise<number> {
  const at = ctx.now.toISOString();
  const inserted = await tx.execute({
    sql: `INSERT INTO incidents (title, severity, status, started_at, updated_at, detected_at, draft)
          VALUES (?, ?, 'investigating', ?, ?, ?, 1) RETURNING id`,
    args: [draft.title, draft.severity, at, at, draft.detectedAt],
  });
  const id = Number(inserted.rows[0]?.id);
  const services = await resolveServices(tx, draft.services);
  for (const service of services.values()) {
    await tx.execute({ sql: 'INSERT INTO incident_services (incident_id, service_id) VALUES (?, ?)', args: [id, service.id] });
  }
  await recordAudit(tx, { actor: ctx.actor, action: 'incident.draft', entity: 'incident', ref: makeRef('incident', id), after: draft }, ctx.now);
  return id;
}

/** Adds an alert to an incident's internal timeline and audits it; an earlier alert start moves `detected_at` back. */
export async function noteAlert(tx: Transaction, incidentId: number, alert: Alert, ctx: WriteContext): Promise<void> {
  const at = ctx.now.toISOString();
  await tx.execute({
    sql: 'INSERT INTO incident_alerts (incident_id, source, status, summary, link, received_at) VALUES (?, ?, ?, ?, ?, ?)',
    args: [incidentId, alert.source, alert.status, alert.summary, alert.link, at],
  });
  if (alert.detectedAt && alert.status === 'firing' && Date.parse(alert.detectedAt) <= ctx.now.getTime()) {
    await tx.execute({
      sql: 'UPDATE incidents SET detected_at = ? WHERE id = ? AND (detected_at IS NULL OR detected_at > ?)',
      args: [alert.detectedAt, incidentId, alert.detectedAt],
    });
  }
  await recordAudit(
    tx,
    {
      actor: ctx.actor,
      action: 'incident.alert',
      entity: 'incident',
      ref: makeRef('incident', incidentId),
      after: { source: alert.source, group: alert.groupKey, status: alert.status, summary: alert.summary },
    },
    ctx.now,
  );
}

/**
 * Releases a draft: from now on readers see it, starting now, with the person's first message
 * (and any title, severity, impact or commander they gave). Services are named before the
 * flag is cleared, so the history counts the incident once, with the services it then names.
 */
export async function releaseDraft(tx: Transaction, id: number, input: ReleaseDraftInput, ctx: WriteContext): Promise<number> {
  const current = await loadIncident(tx, id);
  if (!current.draft) throw new ConflictError(`[Incidents] ${makeRef('incident', id)} is already released; post an update instead.`);
  if (current.status === 'resolved') throw new ConflictError(`[Incidents] ${makeRef('incident', id)} is a discarded draft; declare a new incident instead.`);
  const requested = input.services ?? [];
  const services = await resolveServices(tx, [...new Set([...current.services.map((s) => s.slug), ...requested.map((s) => s.slug)])]);
  await addAffectedServices(tx, id, requested, services);
  const at = ctx.now.toISOString();
  const severity = input.severity ?? current.severity;
  await tx.execute({
    sql: `UPDATE incidents SET draft = 0, started_at = ?, updated_at = ?, status = ?, resolved_at = ?, title = ?, severity = ?,
          impact = coalesce(?, impact), commander = coalesce(?, commander), root_cause = coalesce(?, root_cause),
          postmortem_url = coalesce(?, postmortem_url) WHERE id = ? AND draft = 1`,
    args: [
      at,
      at,
      input.status,
      input.status === 'resolved' ? at : null,
      input.title ?? current.title,
      severity,
      input.impact ?? null,
      input.commander ?? null,
      input.rootCause ?? null,
      input.postmortemUrl ?? null,
      id,
    ],
  });
  const updateId = await insertUpdate(
    tx,
    id,
    { ...input, notify: input.notify ?? defaultNotify(severity) },
    planServiceChanges(services, requested, null),
    ctx,
  );
  await recordAudit(
    tx,
    {
      actor: ctx.actor,
      action: 'incident.release',
      entity: 'incident',
      ref: makeRef('incident', id),
      before: { draft: true, title: current.title, severity: current.severity },
      after: input,
    },
    ctx.now,
  );
  return updateId;
}

/**
 * Discards a draft nobody will release (a false alarm, an alert that resolved itself): it
 * leaves the drafts list, is never released, and its group's next firing opens a new
 * draft. Kept, not deleted, with its alerts and audit trail.
 */
export async function discardDraft(tx: Transaction, id: number, ctx: WriteContext): Promise<void> {
  const current = await loadIncident(tx, id);
  if (!current.draft) throw new ConflictError(`[Incidents] ${makeRef('incident', id)} is released; resolve it with an update instead.`);
  if (current.status === 'resolved') throw new ConflictError(`[Incidents] ${makeRef('incident', id)} is already discarded.`);
  const at = ctx.now.toISOString();
  await tx.execute({ sql: `UPDATE incidents SET status = 'resolved', resolved_at = ?, updated_at = ? WHERE id = ? AND draft = 1`, args: [at, at, id] });
  await recordAudit(
    tx,
    { actor: ctx.actor, action: 'incident.discard', entity: 'incident', ref: makeRef('incident', id), before: { draft: true, status: current.status } },
    ctx.now,
  );
}
