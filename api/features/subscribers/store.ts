/**
 * Subscriber data access: small functions that receive the client. SQL only.
 */
import type { Row } from '@libsql/client';
import type { Executor } from '../../platform/db/client.ts';
import {
  SUBSCRIBER_STATES,
  SUBSCRIPTION_CHANNELS,
  type Subscriber,
  type SubscriberState,
  type SubscriptionChannel,
  type SubscriptionEvents,
  type TargetChannel,
} from './schemas.ts';

export type SubscriberRecord = {
  id: number;
  channel: SubscriptionChannel;
  /** The address (email), or the contact of a chat or webhook target. */
  email: string;
  /** Where a chat or webhook channel posts; null for email. */
  target: string | null;
  /** The webhook channel's signing secret. */
  hookSecret: string | null;
  events: SubscriptionEvents;
  majorOnly: boolean;
  state: SubscriberState;
  allServices: boolean;
  manageNonce: string;
  confirmNonce: string | null;
  confirmExpiresAt: string | null;
};

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

const toRecord = (r: Row): SubscriberRecord => ({
  id: Number(r.id),
  channel: String(r.channel) as SubscriptionChannel,
  email: String(r.email),
  target: text(r.target),
  hookSecret: text(r.hook_secret),
  events: String(r.events) as SubscriptionEvents,
  majorOnly: Boolean(r.major_only),
  state: String(r.state) as SubscriberState,
  allServices: Boolean(r.all_services),
  manageNonce: String(r.manage_nonce),
  confirmNonce: text(r.confirm_nonce),
  confirmExpiresAt: text(r.confirm_expires_at),
});

const COLUMNS = 'id, channel, email, target, hook_secret, events, major_only, state, all_services, manage_nonce, confirm_nonce, confirm_expires_at';

/** The email subscription of an address (its chat and webhook subscriptions are found by target). */
export async function findSubscriberByEmail(db: Executor, email: string): Promise<SubscriberRecord | null> {
  const { rows } = await db.execute({ sql: `SELECT ${COLUMNS} FROM subscribers WHERE channel = 'email' AND email = ?`, args: [email] });
  return rows[0] ? toRecord(rows[0]) : null;
}

/** The subscription of a chat or webhook target, whoever its contact is. */
export async function findSubscriberByTarget(db: Executor, channel: TargetChannel, target: string): Promise<SubscriberRecord | null> {
  const { rows } = await db.execute({ sql: `SELECT ${COLUMNS} FROM subscribers WHERE channel = ? AND target = ?`, args: [channel, target] });
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

/** What a subscriber chose besides services: where notices go, and which. */
export type SubscriberChoice = {
  channel: SubscriptionChannel;
  target: string | null;
  hookSecret: string | null;
  events: SubscriptionEvents;
  majorOnly: boolean;
};

const EMAIL_EVERYTHING: SubscriberChoice = { channel: 'email', target: null, hookSecret: null, events: 'all', majorOnly: false };

export async function insertSubscriber(
  db: Executor,
  s: {
    email: string;
    state: SubscriberState;
    manageNonce: string;
    confirmNonce: string | null;
    confirmExpiresAt: string | null;
    source: 'form' | 'import';
  } & Partial<SubscriberChoice>,
  now: Date,
): Promise<number> {
  const at = now.toISOString();
  const choice = { ...EMAIL_EVERYTHING, ...s };
  const { rows } = await db.execute({
    sql: `INSERT INTO subscribers (channel, email, target, hook_secret, events, major_only, state, manage_nonce, confirm_nonce, confirm_expires_at, source,
            created_at, updated_at, confirmed_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    args: [
      choice.channel,
      s.email,
      choice.target,
      choice.hookSecret,
      choice.events,
      choice.majorOnly ? 1 : 0,
      s.state,
      s.manageNonce,
      s.confirmNonce,
      s.confirmExpiresAt,
      s.source,
      at,
      at,
      s.state === 'confirmed' ? at : null,
    ],
  });
  return Number(rows[0]?.id);
}

/** Sets which events a subscriber hears of and, for email, whether only P0/P1 incidents. */
export async function setSubscriberEvents(db: Executor, id: number, events: SubscriptionEvents, majorOnly: boolean): Promise<void> {
  await db.execute({
    sql: `UPDATE subscribers SET events = ?, major_only = CASE WHEN channel = 'email' THEN ? ELSE 0 END WHERE id = ?`,
    args: [events, majorOnly ? 1 : 0, id],
  });
}

/** Changes the contact (and the webhook's secret) of a target subscription that is starting over. */
export async function setSubscriberContact(db: Executor, id: number, email: string, hookSecret: string | null): Promise<void> {
  await db.execute({ sql: 'UPDATE subscribers SET email = ?, hook_secret = coalesce(?, hook_secret) WHERE id = ?', args: [email, hookSecret, id] });
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
            paused_at = CASE WHEN ? = 'paused' THEN ? ELSE NULL END,
            failing_since = CASE WHEN ? = 'paused' THEN failing_since ELSE NULL END,
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
      at,
      state,
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

/**
 * Queues a mail to one subscriber: the confirmation of a sign-up, "already subscribed" with the
 * manage link, or "your target is paused" to a chat or webhook target's contact.
 */
export async function queueSubscriberMail(db: Executor, kind: 'confirm' | 'welcome' | 'paused', subscriberId: number, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.execute({
    sql: `INSERT INTO outbox (kind, channel, subscriber_id, next_attempt_at, created_at) VALUES (?, 'mail', ?, ?, ?)`,
    args: [kind, subscriberId, at, at],
  });
}

/**
 * The outbox kind of a notice to a chat or webhook target, one per channel so each has its own
 * lane (api/features/notices/lanes.ts).
 * @example channelKind('teams') // 'subscriber-teams'
 */
export const channelKind = (channel: TargetChannel) => `subscriber-${channel}` as const;

/** The outbox channel (the transport, for the metrics) of a target: Slack's own, else a webhook post. */
export const outboxChannelOf = (channel: TargetChannel) => (channel === 'slack' ? 'slack' : 'webhook');

/** Queues the test message a chat or webhook target gets when it is confirmed (or resumed). */
export async function queueChannelTest(db: Executor, subscriberId: number, channel: TargetChannel, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.execute({
    sql: `INSERT INTO outbox (kind, channel, subscriber_id, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)`,
    args: [channelKind(channel), outboxChannelOf(channel), subscriberId, at, at],
  });
}

/**
 * Records how posts to chat and webhook targets went: a success ends a target's run of
 * failures; a failure starts one (when none was running). A confirmed target whose failures
 * began at or before `pauseFailingSince` is paused: what is still queued for it is cancelled
 * and its contact is mailed, once — the move from confirmed to paused happens once.
 * @returns the subscribers paused now.
 */
export async function recordTargetOutcomes(
  db: Executor,
  outcomes: readonly { subscriberId: number; delivered: boolean }[],
  now: Date,
  pauseFailingSince: Date,
): Promise<number[]> {
  const at = now.toISOString();
  const ids = (delivered: boolean) => [...new Set(outcomes.filter((o) => o.delivered === delivered).map((o) => o.subscriberId))];
  const [ok, failed] = [ids(true), ids(false).filter((id) => !ids(true).includes(id))];
  const list = (n: readonly number[]) => n.map(() => '?').join(',');
  if (ok.length) await db.execute({ sql: `UPDATE subscribers SET failing_since = NULL WHERE id IN (${list(ok)})`, args: ok });
  if (failed.length === 0) return [];
  await db.execute({
    sql: `UPDATE subscribers SET failing_since = coalesce(failing_since, ?) WHERE state = 'confirmed' AND id IN (${list(failed)})`,
    args: [at, ...failed],
  });
  const { rows } = await db.execute({
    sql: `UPDATE subscribers SET state = 'paused', paused_at = ?, updated_at = ?
          WHERE state = 'confirmed' AND channel <> 'email' AND failing_since <= ? AND id IN (${list(failed)}) RETURNING id`,
    args: [at, at, pauseFailingSince.toISOString(), ...failed],
  });
  const paused = rows.map((r) => Number(r.id));
  if (paused.length === 0) return [];
  await db.execute({
    sql: `UPDATE outbox SET state = 'cancelled', last_error = 'target paused after a day of failures', lease_until = NULL
          WHERE subscriber_id IN (${list(paused)}) AND kind LIKE 'subscriber-%' AND state IN ('queued','retrying')`,
    args: paused,
  });
  for (const id of paused) await queueSubscriberMail(db, 'paused', id, now);
  return paused;
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

const noneByState = () => Object.fromEntries(SUBSCRIBER_STATES.map((s) => [s, 0])) as Record<SubscriberState, number>;

/** How many subscribers are in each state, in all and per channel. */
export async function countByState(
  db: Executor,
): Promise<{ total: Record<SubscriberState, number>; channels: Record<SubscriptionChannel, Record<SubscriberState, number>> }> {
  const total = noneByState();
  const channels = Object.fromEntries(SUBSCRIPTION_CHANNELS.map((c) => [c, noneByState()])) as Record<SubscriptionChannel, Record<SubscriberState, number>>;
  const { rows } = await db.execute('SELECT channel, state, count(*) AS n FROM subscribers GROUP BY channel, state');
  for (const r of rows) {
    const [channel, state, n] = [String(r.channel) as SubscriptionChannel, String(r.state) as SubscriberState, Number(r.n)];
    total[state] += n;
    channels[channel][state] = n;
  }
  return { total, channels };
}

/** Subscribers for the admin, newest first; `q` matches part of the address. */
export async function listSubscribers(
  db: Executor,
  filter: {
    q?: string | undefined;
    state?: SubscriberState | undefined;
    channel?: SubscriptionChannel | undefined;
    limit: number;
    afterId?: number;
    id?: number;
  },
): Promise<Subscriber[]> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (filter.id) where.push('id = ?'), args.push(filter.id);
  if (filter.q) where.push("email LIKE ? ESCAPE '\\'"), args.push(`%${filter.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  if (filter.state) where.push('state = ?'), args.push(filter.state);
  if (filter.channel) where.push('channel = ?'), args.push(filter.channel);
  if (filter.afterId) where.push('id < ?'), args.push(filter.afterId);
  const { rows } = await db.execute({
    sql: `SELECT s.*, (SELECT group_concat(sv.slug, ' ') FROM subscriber_services ss JOIN services sv ON sv.id = ss.service_id
            WHERE ss.subscriber_id = s.id) AS slugs
          FROM subscribers s ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    args: [...args, filter.limit],
  });
  return rows.map((r) => ({
    id: Number(r.id),
    channel: String(r.channel) as SubscriptionChannel,
    email: String(r.email),
    targetOrigin: r.target === null ? null : originOf(String(r.target)),
    state: String(r.state) as SubscriberState,
    events: String(r.events) as SubscriptionEvents,
    majorOnly: Boolean(r.major_only),
    failingSince: text(r.failing_since),
    pausedAt: text(r.paused_at),
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

/** A URL's origin: enough to recognise a target, without the path that is a Slack or Teams URL's secret. */
const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
};

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
