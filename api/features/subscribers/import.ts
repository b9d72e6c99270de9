/**
 * Subscribers an admin adds, restores or removes: a CSV import (with the admin's word that the
 * people consented, or each confirming for themselves), the restore of an address the relay
 * refused, and a removal, each audited in its write.
 */
import type { Transaction } from '@libsql/client';
import { recordAudit } from '../audit/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import type { CommandContext } from '../../platform/commands.ts';
import { CONFIRM_TTL_MS, serviceIdsFor, startOptIn } from './commands.ts';
import { parseCsv } from './csv.ts';
import { Email, type Subscriber } from './schemas.ts';
import {
  deleteSubscriber,
  findSubscriberByEmail,
  hadConfirmed,
  insertSubscriber,
  listSubscribers,
  queueSubscriberMail,
  setSubscriberServices,
  setSubscriberState,
} from './store.ts';
import { newNonce } from './tokens.ts';

export type ImportOutcome = { added: number; confirmed: number; pending: number; skipped: number };

/**
 * Adds every new address of the CSV. Addresses already known are skipped, never changed — but
 * for one the relay refused (suppressed): importing it again is the admin saying it is good,
 * so it comes back (counted as added) as the admin's restore brings it back — confirmed if its
 * owner had confirmed or the admin says they consented, else confirming afresh by mail. An
 * address whose owner unsubscribed is never brought back: that is theirs to undo.
 */
export async function importSubscribers(ctx: CommandContext, input: { csv: string; consent: boolean }): Promise<ImportOutcome> {
  const entries = readImport(input.csv);
  const { consent } = input;
  const now = ctx.clock.now();
  const outcome: ImportOutcome = { added: 0, confirmed: 0, pending: 0, skipped: 0 };
  await ctx.db.write(async (tx) => {
    for (const entry of entries) {
      const known = await findSubscriberByEmail(tx, entry.email);
      if (known?.state === 'suppressed') {
        await setSubscriberServices(tx, known.id, await serviceIdsFor(tx, entry.services));
        const state = await bringBack(tx, known.id, consent, now);
        outcome.added++;
        outcome[state]++;
        continue;
      }
      if (known) {
        outcome.skipped++;
        continue;
      }
      const serviceIds = await serviceIdsFor(tx, entry.services);
      const confirm = consent ? null : { nonce: newNonce(), expiresAt: new Date(now.getTime() + CONFIRM_TTL_MS).toISOString() };
      const id = await insertSubscriber(
        tx,
        {
          email: entry.email,
          state: consent ? 'confirmed' : 'pending',
          manageNonce: newNonce(),
          confirmNonce: confirm?.nonce ?? null,
          confirmExpiresAt: confirm?.expiresAt ?? null,
          source: 'import',
        },
        now,
      );
      await setSubscriberServices(tx, id, serviceIds);
      // Without the admin's word that these people consented, each confirms for themselves.
      if (!consent) await queueSubscriberMail(tx, 'confirm', id, now);
      outcome.added++;
      outcome[consent ? 'confirmed' : 'pending']++;
    }
    await recordAudit(tx, { actor: ctx.actor, action: 'subscriber.import', entity: 'subscriber', ref: 'import', after: { ...outcome, consent } }, now);
  });
  return outcome;
}

/**
 * Takes a suppressed address back: confirmed again when its owner had confirmed (or the admin
 * says they consented), else pending with a fresh confirmation mail. Either way new manage
 * links are made only for a fresh opt-in; a confirmed subscriber keeps theirs.
 */
async function bringBack(tx: Transaction, id: number, consent: boolean, now: Date): Promise<'confirmed' | 'pending'> {
  if (consent || (await hadConfirmed(tx, id))) {
    await setSubscriberState(tx, id, 'confirmed', now, { confirm: { nonce: null, expiresAt: null } });
    return 'confirmed';
  }
  await startOptIn(tx, { id, state: 'suppressed' }, now);
  return 'pending';
}

const noSubscriber = (id: number) => new NotFoundError(`[Subscribers] No subscriber "${id}". GET /api/admin/subscribers?q=… finds one.`);

/**
 * Restores an address the relay refused (suppressed) — after the mailbox was fixed, or when the
 * refusal was the relay's fault: mail goes to it again from the next notice on. A subscriber
 * who had confirmed is confirmed again; one who never had gets a fresh confirmation mail.
 * Audited. 409 for an address that is not suppressed (an unsubscribe is the owner's to undo).
 */
export async function restoreSubscriber(ctx: CommandContext, id: number): Promise<Subscriber> {
  const now = ctx.clock.now();
  return ctx.db.write(async (tx) => {
    const [before] = await listSubscribers(tx, { id, limit: 1 });
    if (!before) throw noSubscriber(id);
    if (before.state !== 'suppressed') {
      throw new ConflictError(
        `[Subscribers] ${before.email} is ${before.state}, not suppressed: there is nothing to restore.${before.state === 'unsubscribed' ? ' Its owner left; they can subscribe again from the status page.' : ''}`,
      );
    }
    const state = await bringBack(tx, id, false, now);
    await recordAudit(
      tx,
      {
        actor: ctx.actor,
        action: 'subscriber.restore',
        entity: 'subscriber',
        ref: String(id),
        before: { state: before.state, reason: before.suppressedReason },
        after: { state },
      },
      now,
    );
    const [after] = await listSubscribers(tx, { id, limit: 1 });
    return after as Subscriber;
  });
}

export async function removeSubscriber(ctx: CommandContext, id: number): Promise<void> {
  const now = ctx.clock.now();
  const removed = await ctx.db.write(async (tx) => {
    const done = await deleteSubscriber(tx, id);
    if (done) await recordAudit(tx, { actor: ctx.actor, action: 'subscriber.delete', entity: 'subscriber', ref: String(id) }, now);
    return done;
  });
  if (!removed) throw noSubscriber(id);
}

/** The import's rows: a header with `email` (and optionally `services`), every address valid, else a 400 naming each bad line. */
function readImport(csv: string): { email: string; services: string[] }[] {
  const [header, ...rows] = parseCsv(csv);
  const columns = (header ?? []).map((h) => h.trim().toLowerCase());
  const emailAt = columns.indexOf('email');
  const servicesAt = columns.indexOf('services');
  if (emailAt < 0)
    throw new ValidationError('[Subscribers] The CSV needs a header line with an "email" column (and optionally "services").', [
      { path: 'csv', message: 'no "email" column' },
    ]);
  const issues: { path: string; message: string }[] = [];
  const entries = rows.map((row, i) => {
    const email = Email.safeParse(row[emailAt] ?? '');
    if (!email.success) issues.push({ path: `csv.line ${i + 2}`, message: `"${row[emailAt] ?? ''}" is not an email address` });
    return { email: email.success ? email.data : '', services: (servicesAt >= 0 ? (row[servicesAt] ?? '') : '').split(/[\s;]+/).filter(Boolean) };
  });
  if (issues.length > 0)
    throw new ValidationError(
      `[Subscribers] Fix these lines and import again: ${issues
        .slice(0, 20)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}`,
      issues,
    );
  return entries;
}
