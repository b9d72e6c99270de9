/**
 * Status proposals in SQL: one row per signal (origin + key) and service. Which transitions
 * happen is decided in rules.ts; commands.ts writes them with their audit entries.
 */
import type { Row } from '@libsql/client';
import type { ServiceStatus } from '../../shared/vocabulary.ts';
import type { Executor } from '../../platform/db/client.ts';
import type { ProposalRow, ProposalState } from './schemas.ts';

const SELECT = `
  SELECT p.id, p.origin, p.origin_key, p.service_id, p.signal, p.status, p.state, p.source, p.reason, p.link,
         p.created_at, p.updated_at, p.decided_at, p.decided_by, s.slug, s.name, s.status AS service_status
  FROM status_proposals p JOIN services s ON s.id = p.service_id`;

const toProposal = (r: Row): ProposalRow => ({
  id: Number(r.id),
  serviceId: Number(r.service_id),
  service: { slug: String(r.slug), name: String(r.name), status: String(r.service_status) as ServiceStatus },
  status: String(r.status) as ServiceStatus,
  state: String(r.state) as ProposalState,
  firing: r.signal === 'firing',
  origin: String(r.origin),
  source: String(r.source),
  reason: String(r.reason),
  link: r.link === null ? null : String(r.link),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
  decidedAt: r.decided_at === null ? null : String(r.decided_at),
  decidedBy: r.decided_by === null ? null : String(r.decided_by),
});

/** The proposal of one signal for one service, or null when the signal never named it. */
export async function findProposal(db: Executor, origin: string, key: string, serviceId: number): Promise<ProposalRow | null> {
  const { rows } = await db.execute({ sql: `${SELECT} WHERE p.origin = ? AND p.origin_key = ? AND p.service_id = ?`, args: [origin, key, serviceId] });
  return rows[0] ? toProposal(rows[0]) : null;
}

export async function getProposal(db: Executor, id: number): Promise<ProposalRow | null> {
  const { rows } = await db.execute({ sql: `${SELECT} WHERE p.id = ?`, args: [id] });
  return rows[0] ? toProposal(rows[0]) : null;
}

/**
 * Proposals of live services, newest first: those in `states`, for `services` (slugs) when given.
 */
export async function listProposals(
  db: Executor,
  filter: { states: readonly ProposalState[]; services?: readonly string[]; limit: number },
): Promise<ProposalRow[]> {
  const where = [`p.state IN (${filter.states.map(() => '?').join(', ')})`, 's.archived_at IS NULL'];
  const args: string[] = [...filter.states];
  if (filter.services) {
    if (filter.services.length === 0) return [];
    where.push(`s.slug IN (${filter.services.map(() => '?').join(', ')})`);
    args.push(...filter.services);
  }
  const { rows } = await db.execute({
    sql: `${SELECT} WHERE ${where.join(' AND ')} ORDER BY p.updated_at DESC, p.id DESC LIMIT ${Math.trunc(filter.limit)}`,
    args,
  });
  return rows.map(toProposal);
}

/** What a signal writes on its proposal. */
export type ProposalWrite = {
  firing: boolean;
  status: ServiceStatus;
  state: ProposalState;
  source: string;
  reason: string;
  link: string | null;
};

/** Records a signal's proposal for a service: a new row, or the signal's row updated. @returns its id. */
export async function saveProposal(db: Executor, signal: { origin: string; key: string; serviceId: number }, write: ProposalWrite, now: Date): Promise<number> {
  const at = now.toISOString();
  const { rows } = await db.execute({
    sql: `INSERT INTO status_proposals (origin, origin_key, service_id, signal, status, state, source, reason, link, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (origin, origin_key, service_id) DO UPDATE SET signal = excluded.signal, status = excluded.status,
            state = excluded.state, source = excluded.source, reason = excluded.reason, link = excluded.link, updated_at = excluded.updated_at,
            decided_at = CASE WHEN excluded.state = 'open' AND status_proposals.state <> 'open' THEN NULL ELSE status_proposals.decided_at END,
            decided_by = CASE WHEN excluded.state = 'open' AND status_proposals.state <> 'open' THEN NULL ELSE status_proposals.decided_by END
          RETURNING id`,
    args: [
      signal.origin,
      signal.key,
      signal.serviceId,
      write.firing ? 'firing' : 'resolved',
      write.status,
      write.state,
      write.source,
      write.reason,
      write.link,
      at,
      at,
    ],
  });
  return Number(rows[0]?.id);
}

/** Marks an open proposal applied or dismissed, by whom. @returns false when it was no longer open. */
export async function decideProposal(db: Executor, id: number, state: 'applied' | 'dismissed', by: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const { rowsAffected } = await db.execute({
    sql: `UPDATE status_proposals SET state = ?, decided_at = ?, decided_by = ?, updated_at = ? WHERE id = ? AND state = 'open'`,
    args: [state, at, by, at, id],
  });
  return rowsAffected === 1;
}

/** Whether a signal other than `exceptId`'s still fires for the service with a proposal someone may act on (open or applied). */
export async function othersFiring(db: Executor, serviceId: number, exceptId: number | null): Promise<boolean> {
  const { rows } = await db.execute({
    sql: `SELECT 1 FROM status_proposals WHERE service_id = ? AND signal = 'firing' AND state IN ('open', 'applied') AND id <> ? LIMIT 1`,
    args: [serviceId, exceptId ?? 0],
  });
  return rows.length > 0;
}

/** Whether the service opted in to "autoStatus" (content/services.json). */
export async function autoStatusOf(db: Executor, serviceId: number): Promise<boolean> {
  const { rows } = await db.execute({ sql: 'SELECT auto_status FROM services WHERE id = ?', args: [serviceId] });
  return Number(rows[0]?.auto_status ?? 0) === 1;
}
