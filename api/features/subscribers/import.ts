/**
 * Subscribers an admin adds or removes: a CSV import (with the admin's word that the people
 * consented, or each confirming for themselves) and a removal, each audited in its write.
 */
import { recordAudit } from '../audit/index.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import type { CommandContext } from '../../platform/commands.ts';
import { CONFIRM_TTL_MS } from './commands.ts';
import { parseCsv } from './csv.ts';
import { Email } from './schemas.ts';
import { deleteSubscriber, findSubscriberByEmail, insertSubscriber, queueSubscriberMail, serviceIdsFor, setSubscriberServices } from './store.ts';
import { newNonce } from './tokens.ts';

export type ImportOutcome = { added: number; confirmed: number; pending: number; skipped: number };

/** Adds every new address of the CSV; addresses already known are skipped, never changed. */
export async function importSubscribers(ctx: CommandContext, input: { csv: string; consent: boolean }): Promise<ImportOutcome> {
  const entries = readImport(input.csv);
  const { consent } = input;
  const now = ctx.clock.now();
  const outcome: ImportOutcome = { added: 0, confirmed: 0, pending: 0, skipped: 0 };
  await ctx.db.write(async (tx) => {
    for (const entry of entries) {
      if (await findSubscriberByEmail(tx, entry.email)) {
        outcome.skipped++;
        continue;
      }
      const serviceIds = await serviceIdsFor(tx, entry.services);
      const confirm = consent ? null : { nonce: newNonce(), expiresAt: new Date(now.getTime() + CONFIRM_TTL_MS).toISOString() };
      const id = await insertSubscriber(
        tx,
        { email: entry.email, state: consent ? 'confirmed' : 'pending', manageNonce: newNonce(), confirmNonce: confirm?.nonce ?? null, confirmExpiresAt: confirm?.expiresAt ?? null, source: 'import' },
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

export async function removeSubscriber(ctx: CommandContext, id: number): Promise<void> {
  const now = ctx.clock.now();
  const removed = await ctx.db.write(async (tx) => {
    const done = await deleteSubscriber(tx, id);
    if (done) await recordAudit(tx, { actor: ctx.actor, action: 'subscriber.delete', entity: 'subscriber', ref: String(id) }, now);
    return done;
  });
  if (!removed) throw new NotFoundError(`[Subscribers] No subscriber "${id}". GET /api/admin/subscribers?q=… finds one.`);
}

/** The import's rows: a header with `email` (and optionally `services`), every address valid, else a 400 naming each bad line. */
function readImport(csv: string): { email: string; services: string[] }[] {
  const [header, ...rows] = parseCsv(csv);
  const columns = (header ?? []).map((h) => h.trim().toLowerCase());
  const emailAt = columns.indexOf('email');
  const servicesAt = columns.indexOf('services');
  if (emailAt < 0) throw new ValidationError('[Subscribers] The CSV needs a header line with an "email" column (and optionally "services").', [{ path: 'csv', message: 'no "email" column' }]);
  const issues: { path: string; message: string }[] = [];
  const entries = rows.map((row, i) => {
    const email = Email.safeParse(row[emailAt] ?? '');
    if (!email.success) issues.push({ path: `csv.line ${i + 2}`, message: `"${row[emailAt] ?? ''}" is not an email address` });
    return { email: email.success ? email.data : '', services: (servicesAt >= 0 ? row[servicesAt] ?? '' : '').split(/[\s;]+/).filter(Boolean) };
  });
  if (issues.length > 0) throw new ValidationError(`[Subscribers] Fix these lines and import again: ${issues.slice(0, 20).map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  return entries;
}
