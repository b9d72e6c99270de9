/**
 * What a subscriber (or someone typing an address) can do: each a write transaction that
 * may queue a mail in the outbox. Nothing here sends mail or reveals an address's state.
 */
import type { Transaction } from '@libsql/client';
import type { Db, Executor } from '../../platform/db/client.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { getServicesBySlug } from '../services/index.ts';
import { randomBytes } from 'node:crypto';
import type { ManageInput, SubscribeInput, TargetChannel } from './schemas.ts';
import {
  findSubscriber,
  findSubscriberByEmail,
  findSubscriberByTarget,
  insertSubscriber,
  lastQueuedAt,
  queueChannelTest,
  queueSubscriberMail,
  setSubscriberContact,
  setSubscriberEvents,
  setSubscriberServices,
  setSubscriberState,
  type SubscriberChoice,
  type SubscriberRecord,
} from './store.ts';
import { newNonce, tokenSubscriber, verifyLink, type LinkPurpose } from './tokens.ts';

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
  if (input.channel !== 'email') return requestTargetSubscription(db, { ...input, channel: input.channel, url: input.url ?? '' }, now);
  await db.write(async (tx) => {
    const serviceIds = await serviceIdsFor(tx, input.services);
    const existing = await findSubscriberByEmail(tx, input.email);
    if (!existing) return addPending(tx, { email: input.email, events: input.events, majorOnly: input.majorOnly }, serviceIds, now);
    const known = await answerKnown(tx, existing, now);
    if (known === 'answered') return;
    // Pending, unsubscribed or suppressed: (re)start double opt-in with the services asked for now.
    await setSubscriberServices(tx, existing.id, serviceIds);
    await setSubscriberEvents(tx, existing.id, input.events, input.majorOnly);
    // At most one confirmation per interval, also to an address that bounced before: no mail-bombing through it.
    if (known === 'paced' && existing.state !== 'unsubscribed') return;
    await startOptIn(tx, existing, now);
  });
}

/** Adds a pending subscriber following these services, and queues the mail that confirms it. */
async function addPending(tx: Transaction, fields: { email: string } & Partial<SubscriberChoice>, serviceIds: readonly number[], now: Date): Promise<void> {
  const confirm = confirmWindow(now);
  const id = await insertSubscriber(
    tx,
    { ...fields, state: 'pending', manageNonce: newNonce(), confirmNonce: confirm.nonce, confirmExpiresAt: confirm.expiresAt, source: 'form' },
    now,
  );
  await setSubscriberServices(tx, id, serviceIds);
  await queueSubscriberMail(tx, 'confirm', id, now);
}

/**
 * A sign-up for a subscription that exists. A confirmed one is not changed by whoever typed it
 * in: its owner gets the manage link, at most once per interval (`answered`). Otherwise, says
 * whether a confirmation went out within the interval (`paced`) or not (`open`).
 */
async function answerKnown(tx: Transaction, existing: SubscriberRecord, now: Date): Promise<'answered' | 'paced' | 'open'> {
  const last = await lastQueuedAt(tx, existing.id, [existing.state === 'confirmed' ? 'welcome' : 'confirm']);
  const paced = last !== null && now.getTime() - last.getTime() < RESEND_AFTER_MS;
  if (existing.state !== 'confirmed') return paced ? 'paced' : 'open';
  if (!paced) await queueSubscriberMail(tx, 'welcome', existing.id, now);
  return 'answered';
}

/** A webhook's signing secret when its owner gives none: shown once, on the page that confirms it. */
const newHookSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/**
 * Records a request to post notices to a chat or webhook target (its URL already checked
 * against the SSRF rules by the caller). The contact confirms by mail before anything is
 * posted. A target already confirmed is not changed by whoever typed its URL: its contact gets
 * the manage link. A pending, unsubscribed or paused one starts over with the contact and
 * choices given now (a paused one: its target failed for a day; whoever knows its URL may set
 * it up again, confirmed afresh), with new links: those the old contact holds stop working.
 */
async function requestTargetSubscription(db: Db, input: SubscribeInput & { channel: TargetChannel; url: string }, now: Date): Promise<void> {
  await db.write(async (tx) => {
    const serviceIds = await serviceIdsFor(tx, input.services);
    const hookSecret = input.channel === 'webhook' ? (input.secret ?? newHookSecret()) : null;
    const existing = await findSubscriberByTarget(tx, input.channel, input.url);
    if (!existing) {
      const choice = { channel: input.channel, target: input.url, hookSecret, events: input.events, majorOnly: false };
      return addPending(tx, { email: input.email, ...choice }, serviceIds, now);
    }
    const known = await answerKnown(tx, existing, now);
    if (known === 'answered' || (known === 'paced' && existing.state === 'pending')) return;
    await setSubscriberContact(tx, existing.id, input.email, hookSecret);
    await setSubscriberServices(tx, existing.id, serviceIds);
    await setSubscriberEvents(tx, existing.id, input.events, false);
    await setSubscriberState(tx, existing.id, 'pending', now, { confirm: confirmWindow(now), manageNonce: newNonce() });
    await queueSubscriberMail(tx, 'confirm', existing.id, now);
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

/**
 * Confirms a pending subscription; the link then stops working (single use). A chat or
 * webhook target is sent a test message at once, so its owner sees it works.
 */
export async function confirmSubscription(db: Db, secret: string, token: string, now: Date): Promise<SubscriberRecord> {
  return db.write(async (tx) => {
    const subscriber = await subscriberForLink(tx, secret, 'confirm', token, now);
    await setSubscriberState(tx, subscriber.id, 'confirmed', now, { confirm: { nonce: null, expiresAt: null } });
    if (subscriber.channel !== 'email') await queueChannelTest(tx, subscriber.id, subscriber.channel, now);
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
    if (subscriber.state === 'confirmed' || subscriber.state === 'pending' || subscriber.state === 'paused') {
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
    const events = input.events ?? subscriber.events;
    const majorOnly = subscriber.channel === 'email' && input.majorOnly;
    await setSubscriberEvents(tx, subscriber.id, events, majorOnly);
    const chosen = { ...subscriber, events, majorOnly };
    if (input.action === 'resubscribe' && subscriber.state === 'unsubscribed') {
      await startOptIn(tx, subscriber, now);
      return { ...chosen, state: 'pending' };
    }
    // A paused target comes back when its owner says it works again: a test message shows whether it does.
    if (input.action === 'resume' && subscriber.state === 'paused') {
      await setSubscriberState(tx, subscriber.id, 'confirmed', now);
      if (subscriber.channel !== 'email') await queueChannelTest(tx, subscriber.id, subscriber.channel, now);
      return { ...chosen, state: 'confirmed' };
    }
    return chosen;
  });
}
