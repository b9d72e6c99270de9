/**
 * Subscriber data access: small functions that receive the client. SQL only.
 */
import type { Row } from '@libsql/client';
import type { Executor } from '../../platform/db/client.ts';
import { getServicesBySlug } from '../services/index.ts';
import { ValidationError } from '../../shared/errors.ts';
import type { Subscriber, SubscriberState } from './schemas.ts';

export type SubscriberRecord = {
  id: number;
  email: string;
  state: SubscriberState;
  allServices: boolean;
  manageNonce: string;
  confirmNonce: string | null;
  confirmExpiresAt: string | null;
};

const toRecord = (r: Row): SubscriberRecord => ({
  id: Number(r.id),
  email: String(r.email),
  state: String(r.state) as SubscriberState,
  allServices: Boolean(r.all_services),
  manageNonce: String(r.manage_nonce),
  confirmNonce: r.confirm_nonce === null ? null : String(r.confirm_nonce),
  confirmExpiresAt: r.confirm_expires_at === null ? null : String(r.confirm_expires_at),
});

const COLUMNS = 'id, email, state, all_services, manage_nonce, confirm_nonce, confirm_expires_at';

export async function findSubscriberByEmail(db: Executor, email: string): Promise<SubscriberRecord | null> {
  const { rows } = await db.execute({ sql: `SELECT ${COLUMNS} FROM subscribers WHERE email = ?`, args: [email] });
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function findSubscriber(db: Executor, id: number): Promise<SubscriberRecord | null> {
  const { rows } = await db.execute({ sql: `SELECT ${COLUMNS} FROM subscribers WHERE id = ?`, args: [id] });
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function findSubscribers(db: Executor, ids: readonly number[]): Promise<Map<number, SubscriberRecord>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.execute({ sql: `SELECT ${COLUMNS} FROM subscribers WHERE id IN (${ids.map(() => '?').join(',')})`, args: [...ids] });
  return new Map(rows.map((r) => [Number(r.id), toRecord(r)]));
}

/** Service ids for slugs; an unknown slug is a 400 naming it (the same for every address). */
export async function serviceIdsFor(db: Executor, slugs: readonly string[]): Promise<number[]> {
  const unique = [...new Set(slugs)];
  const found = await getServicesBySlug(db, unique);
  const unknown = unique.filter((s) => !found.has(s));
  if (unknown.length > 0) {
    throw new ValidationError(
      `[Subscribe] Unknown service(s): ${unknown.join(', ')}. Choose from the services listed on the status page.`,
      unknown.map((slug) => ({ path: 'services', message: `no service "${slug}"` })),
    );
  }
  return unique.map((s) => (found.get(s) as { id: number }).id);
}

export async function insertSubscriber(
  db: Executor,
  s: { email: string; state: SubscriberState; manageNonce: string; confirmNonce: string | null; confirmExpiresAt: string | null; source: 'form' | 'import' },
  now: Date,
): Promise<number> {
  const at = now.toISOString();
  const { rows } = await db.execute({
    sql: `INSERT INTO subscribers (email, state, manage_nonce, confirm_nonce, confirm_expires_at, source, created_at, updated_at, confirmed_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    args: [s.email, s.state, s.manageNonce, s.confirmNonce, s.confirmExpiresAt, s.source, at, at, s.state === 'confirmed' ? at : null],
  });
  return Number(rows[0]?.id);
}

/**
 * Moves a subscriber to `state`, stamping when; `confirm` replaces (or clears) the
 * confirmation nonce; `manageNonce` replaces the manage nonce, which revokes every manage and
 * unsubscribe link made from the old one.
 */
export async function setSubscriberState(
  db: Executor,
  id: number,
  state: SubscriberState,
  now: Date,
  extra: { confirm?: { nonce: string | null; expiresAt: string | null }; manageNonce?: string; reason?: string } = {},
): Promise<void> {
  const at = now.toISOString();
  await db.execute({
    sql: `UPDATE subscribers SET state = ?, updated_at = ?,
            confirmed_at = CASE WHEN ? = 'confirmed' THEN ? ELSE confirmed_at END,
            unsubscribed_at = CASE WHEN ? = 'unsubscribed' THEN ? ELSE unsubscribed_at END,
            suppressed_reason = CASE WHEN ? = 'suppressed' THEN ? ELSE NULL END,
            confirm_nonce = CASE WHEN ? THEN ? ELSE confirm_nonce END,
            confirm_expires_at = CASE WHEN ? THEN ? ELSE confirm_expires_at END,
            manage_nonce = coalesce(?, manage_nonce)
          WHERE id = ?`,
    args: [
      state,
      at,
      state,
      at,
      state,
      at,
      state,
      extra.reason ?? null,
      extra.confirm ? 1 : 0,
      extra.confirm?.nonce ?? null,
      extra.confirm ? 1 : 0,
      extra.confirm?.expiresAt ?? null,
      extra.manageNonce ?? null,
      id,
    ],
  });
}

/** Sets what a subscriber follows: `null` = all services, else these service ids. */
export async function setSubscriberServices(db: Executor, id: number, serviceIds: readonly number[] | null): Promise<void> {
  await db.execute({ sql: 'DELETE FROM subscriber_services WHERE subscriber_id = ?', args: [id] });
  const all = serviceIds === null || serviceIds.length === 0;
  await db.execute({ sql: 'UPDATE subscribers SET all_services = ? WHERE id = ?', args: [all ? 1 : 0, id] });
  if (all) return;
  await db.execute({
    sql: `INSERT INTO subscriber_services (subscriber_id, service_id) VALUES ${serviceIds.map(() => '(?, ?)').join(', ')}`,
    args: serviceIds.flatMap((sid) => [id, sid]),
  });
}

/** The slugs a subscriber follows; null = all services. */
export async function subscriberServiceSlugs(db: Executor, id: number): Promise<string[] | null> {
  const { rows } = await db.execute({
    sql: `SELECT s.all_services, sv.slug FROM subscribers s
          LEFT JOIN subscriber_services ss ON ss.subscriber_id = s.id LEFT JOIN services sv ON sv.id = ss.service_id
          WHERE s.id = ? ORDER BY sv.position, sv.slug`,
    args: [id],
  });
  if (!rows[0] || rows[0].all_services) return null;
  return rows.filter((r) => r.slug !== null).map((r) => String(r.slug));
}

/** Queues a mail to one subscriber: the confirmation of a sign-up, or "already subscribed" with the manage link. */
export async function queueSubscriberMail(db: Executor, kind: 'confirm' | 'welcome', subscriberId: number, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.execute({
    sql: `INSERT INTO outbox (kind, channel, subscriber_id, next_attempt_at, created_at) VALUES (?, 'mail', ?, ?, ?)`,
    args: [kind, subscriberId, at, at],
  });
}

/**
 * Stops mailing an address the relay refused for good, and cancels what was still queued for
 * it (but `exceptOutboxId`, the row that bounced, recorded already).
 */
export async function suppressSubscriber(db: Executor, id: number, reason: string, now: Date, exceptOutboxId = 0): Promise<void> {
  await db.execute({
    sql: `UPDATE subscribers SET state = 'suppressed', suppressed_reason = ?, updated_at = ? WHERE id = ?`,
    args: [reason.slice(0, 500), now.toISOString(), id],
  });
  await db.execute({
    sql: `UPDATE outbox SET state = 'cancelled', last_error = 'address suppressed', lease_until = NULL
          WHERE subscriber_id = ? AND state IN ('queued','retrying') AND id <> ?`,
    args: [id, exceptOutboxId],
  });
}

/**
 * Whether a suppressed subscriber had confirmed their subscription (and not left since): an
 * admin's restore then gives it back as it was; otherwise they confirm afresh.
 */
export async function hadConfirmed(db: Executor, id: number): Promise<boolean> {
  const { rows } = await db.execute({
    sql: `SELECT confirmed_at IS NOT NULL AND (unsubscribed_at IS NULL OR unsubscribed_at < confirmed_at) AS yes FROM subscribers WHERE id = ?`,
    args: [id],
  });
  return Boolean(rows[0]?.yes);
}

/** When the subscriber's last mail of these kinds was queued, to pace repeated sign-ups. */
export async function lastQueuedAt(db: Executor, subscriberId: number, kinds: readonly string[]): Promise<Date | null> {
  const { rows } = await db.execute({
    sql: `SELECT max(created_at) AS at FROM outbox WHERE subscriber_id = ? AND kind IN (${kinds.map(() => '?').join(',')})`,
    args: [subscriberId, ...kinds],
  });
  return rows[0]?.at ? new Date(String(rows[0].at)) : null;
}

/* ---------- admin ---------- */

export async function countByState(db: Executor): Promise<Record<SubscriberState, number>> {
  const counts: Record<SubscriberState, number> = { pending: 0, confirmed: 0, unsubscribed: 0, suppressed: 0 };
  const { rows } = await db.execute('SELECT state, count(*) AS n FROM subscribers GROUP BY state');
  for (const r of rows) counts[String(r.state) as SubscriberState] = Number(r.n);
  return counts;
}

/** Subscribers for the admin, newest first; `q` matches part of the address. */
export async function listSubscribers(
  db: Executor,
  filter: { q?: string | undefined; state?: SubscriberState | undefined; limit: number; afterId?: number; id?: number },
): Promise<Subscriber[]> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (filter.id) where.push('id = ?'), args.push(filter.id);
  if (filter.q) where.push("email LIKE ? ESCAPE '\\'"), args.push(`%${filter.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  if (filter.state) where.push('state = ?'), args.push(filter.state);
  if (filter.afterId) where.push('id < ?'), args.push(filter.afterId);
  const { rows } = await db.execute({
    sql: `SELECT s.*, (SELECT group_concat(sv.slug, ' ') FROM subscriber_services ss JOIN services sv ON sv.id = ss.service_id
            WHERE ss.subscriber_id = s.id) AS slugs
          FROM subscribers s ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    args: [...args, filter.limit],
  });
  return rows.map((r) => ({
    id: Number(r.id),
    email: String(r.email),
    state: String(r.state) as SubscriberState,
    services: r.all_services
      ? null
      : String(r.slugs ?? '')
          .split(' ')
          .filter(Boolean),
    source: String(r.source) as 'form' | 'import',
    createdAt: String(r.created_at),
    confirmedAt: r.confirmed_at === null ? null : String(r.confirmed_at),
    unsubscribedAt: r.unsubscribed_at === null ? null : String(r.unsubscribed_at),
    suppressedReason: r.suppressed_reason === null ? null : String(r.suppressed_reason),
  }));
}

/** Removes a subscriber and cancels whatever was still queued for them. */
export async function deleteSubscriber(db: Executor, id: number): Promise<boolean> {
  await db.execute({
    sql: `UPDATE outbox SET state = 'cancelled', last_error = 'subscriber removed', lease_until = NULL
          WHERE subscriber_id = ? AND state IN ('queued','retrying')`,
    args: [id],
  });
  await db.execute({ sql: 'DELETE FROM subscriber_services WHERE subscriber_id = ?', args: [id] });
  const { rowsAffected } = await db.execute({ sql: 'DELETE FROM subscribers WHERE id = ?', args: [id] });
  return rowsAffected > 0;
}

/** Purges addresses left unconfirmed (pending since before `olderThan`: 7 days by the issue). */
export async function purgeUnconfirmed(db: Executor, olderThan: Date): Promise<number> {
  const stale = `SELECT id FROM subscribers WHERE state = 'pending' AND updated_at < ?`;
  const args = [olderThan.toISOString()];
  await db.execute({
    sql: `UPDATE outbox SET state = 'cancelled', last_error = 'never confirmed' WHERE state IN ('queued','retrying') AND subscriber_id IN (${stale})`,
    args,
  });
  await db.execute({ sql: `DELETE FROM subscriber_services WHERE subscriber_id IN (${stale})`, args });
  const { rowsAffected } = await db.execute({ sql: `DELETE FROM subscribers WHERE id IN (${stale})`, args });
  return rowsAffected;
}
