/**
 * What a subscriber (or someone typing an address) can do: each a write transaction that
 * may queue a mail in the outbox. Nothing here sends mail or reveals an address's state.
 */
import type { Transaction } from '@libsql/client';
import type { Db } from '../../platform/db/client.ts';
import { NotFoundError } from '../../shared/errors.ts';
import type { ManageInput, SubscribeInput } from './schemas.ts';
import {
  findSubscriber,
  findSubscriberByEmail,
  insertSubscriber,
  lastQueuedAt,
  queueSubscriberMail,
  serviceIdsFor,
  setSubscriberServices,
  setSubscriberState,
  subscriberServiceSlugs,
  type SubscriberRecord,
} from './store.ts';
import { newNonce, tokenSubscriber, verifyLink, type LinkPurpose } from './tokens.ts';

export const CONFIRM_TTL_MS = 24 * 60 * 60 * 1000;
/** At most one mail per address per this interval, however often it is typed in (no mail-bombing). */
const RESEND_AFTER_MS = 10 * 60 * 1000;

const confirmWindow = (now: Date) => ({ nonce: newNonce(), expiresAt: new Date(now.getTime() + CONFIRM_TTL_MS).toISOString() });

/**
 * (Re)starts double opt-in: pending, a fresh confirmation link, and the mail that carries it.
 * An unsubscribed or suppressed address starts a new subscription with new manage links: those
 * of the old one (in every mail sent before) stop working, so an old mail never acts on the
 * new one.
 */
export async function startOptIn(tx: Transaction, subscriber: Pick<SubscriberRecord, 'id' | 'state'>, now: Date): Promise<void> {
  const renewLinks = subscriber.state === 'unsubscribed' || subscriber.state === 'suppressed' ? { manageNonce: newNonce() } : {};
  await setSubscriberState(tx, subscriber.id, 'pending', now, { confirm: confirmWindow(now), ...renewLinks });
  await queueSubscriberMail(tx, 'confirm', subscriber.id, now);
}

/**
 * Records a request to subscribe. A new, pending, unsubscribed or suppressed address gets a
 * confirmation mail; a confirmed one gets its manage link (its choices are not changed by a
 * stranger). A suppressed address is one the relay once refused: whoever confirms from that
 * mailbox now shows it works again, and wants the notices. The caller answers the same
 * whatever happened here.
 */
export async function requestSubscription(db: Db, input: SubscribeInput, now: Date): Promise<void> {
  await db.write(async (tx) => {
    const serviceIds = await serviceIdsFor(tx, input.services);
    const existing = await findSubscriberByEmail(tx, input.email);
    if (!existing) {
      const confirm = confirmWindow(now);
      const id = await insertSubscriber(
        tx,
        { email: input.email, state: 'pending', manageNonce: newNonce(), confirmNonce: confirm.nonce, confirmExpiresAt: confirm.expiresAt, source: 'form' },
        now,
      );
      await setSubscriberServices(tx, id, serviceIds);
      await queueSubscriberMail(tx, 'confirm', id, now);
      return;
    }
    const last = await lastQueuedAt(tx, existing.id, [existing.state === 'confirmed' ? 'welcome' : 'confirm']);
    const paced = last !== null && now.getTime() - last.getTime() < RESEND_AFTER_MS;
    if (existing.state === 'confirmed') {
      if (!paced) await queueSubscriberMail(tx, 'welcome', existing.id, now);
      return;
    }
    // Pending, unsubscribed or suppressed: (re)start double opt-in with the services asked for now.
    await setSubscriberServices(tx, existing.id, serviceIds);
    // At most one confirmation per interval, also to an address that bounced before: no mail-bombing through it.
    if (paced && existing.state !== 'unsubscribed') return;
    await startOptIn(tx, existing, now);
  });
}

const INVALID =
  '[Subscribe] This link is not valid: it may have been used already, have expired (confirmation links last 24 hours) or be incomplete. Subscribe again from the status page.';

/** The subscriber a link names, if the link is genuinely theirs; else a 404 that says what to do. */
export async function subscriberForLink(db: Pick<Db, 'execute'>, secret: string, purpose: LinkPurpose, token: string, now: Date): Promise<SubscriberRecord> {
  const id = tokenSubscriber(token);
  const subscriber = id === null ? null : await findSubscriber(db, id);
  const nonce = purpose === 'confirm' ? (subscriber?.confirmNonce ?? null) : (subscriber?.manageNonce ?? null);
  if (!subscriber || !verifyLink(secret, purpose, subscriber.id, nonce, token)) throw new NotFoundError(INVALID);
  if (purpose === 'confirm' && (subscriber.state !== 'pending' || !subscriber.confirmExpiresAt || new Date(subscriber.confirmExpiresAt) <= now)) {
    throw new NotFoundError(INVALID);
  }
  return subscriber;
}

/** Confirms a pending subscription; the link then stops working (single use). */
export async function confirmSubscription(db: Db, secret: string, token: string, now: Date): Promise<SubscriberRecord> {
  return db.write(async (tx) => {
    const subscriber = await subscriberForLink(tx, secret, 'confirm', token, now);
    await setSubscriberState(tx, subscriber.id, 'confirmed', now, { confirm: { nonce: null, expiresAt: null } });
    return { ...subscriber, state: 'confirmed', confirmNonce: null, confirmExpiresAt: null };
  });
}

/**
 * Unsubscribes the link's holder and cancels mail still queued for them. Idempotent: an
 * unsubscribed (or suppressed) subscriber stays as they are.
 */
export async function unsubscribe(db: Db, secret: string, token: string, now: Date): Promise<SubscriberRecord> {
  return db.write(async (tx) => {
    const subscriber = await subscriberForLink(tx, secret, 'manage', token, now);
    if (subscriber.state === 'confirmed' || subscriber.state === 'pending') {
      await setSubscriberState(tx, subscriber.id, 'unsubscribed', now, { confirm: { nonce: null, expiresAt: null } });
      await tx.execute({
        sql: `UPDATE outbox SET state = 'cancelled', last_error = 'unsubscribed', lease_until = NULL
              WHERE subscriber_id = ? AND state IN ('queued','retrying')`,
        args: [subscriber.id],
      });
      return { ...subscriber, state: 'unsubscribed' };
    }
    return subscriber;
  });
}

/**
 * Saves a subscriber's choice of services, or leaves, or asks to come back. Coming back takes
 * a fresh confirmation from the mailbox, like any sign-up: a manage link may sit in an old
 * mail (forwarded, archived, in someone else's hands), so it proves nothing about consent now.
 */
export async function manageSubscription(db: Db, secret: string, token: string, input: ManageInput, now: Date): Promise<SubscriberRecord> {
  if (input.action === 'unsubscribe') return unsubscribe(db, secret, token, now);
  return db.write(async (tx) => {
    const subscriber = await subscriberForLink(tx, secret, 'manage', token, now);
    const serviceIds = await serviceIdsFor(tx, input.services);
    if (subscriber.state === 'suppressed')
      throw new NotFoundError(`[Subscribe] Mail to ${subscriber.email} bounced, so it is no longer sent; subscribe again from the status page.`);
    await setSubscriberServices(tx, subscriber.id, serviceIds);
    if (input.action === 'resubscribe' && subscriber.state === 'unsubscribed') {
      await startOptIn(tx, subscriber, now);
      return { ...subscriber, state: 'pending' };
    }
    return subscriber;
  });
}

export { subscriberServiceSlugs };
