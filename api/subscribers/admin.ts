import { Hono } from 'hono';
import { z } from 'zod';
import { loadIncident } from '../db/incidents.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { AppDeps, HeraldEnv } from '../http/env.ts';
import { validate } from '../http/validate.ts';
import { deliveryCounts, queueSubscriberMail } from '../notify/outbox.ts';
import { idFromParam } from '../routes/admin/incidents/shared.ts';
import { parseCsv, toCsv } from './csv.ts';
import { Email, ImportInput, Subscriber, SubscriberListQuery } from './schema.ts';
import { countByState, deleteSubscriber, findSubscriberByEmail, insertSubscriber, listSubscribers, serviceIdsFor, setSubscriberServices } from './store.ts';
import { newNonce } from './tokens.ts';
import { CONFIRM_TTL_MS } from './commands.ts';
import { recordAudit } from '../db/audit.ts';

const SubscriberId = z.coerce.number().int().positive();

/**
 * Under /api/admin (bearer auth already applies): subscribers — counts by state and search,
 * removal, CSV export and import — and per-update delivery counts of an incident.
 */
export function subscriberAdminRoutes(deps: AppDeps) {
  return new Hono<HeraldEnv>()
    .get('/subscribers', validate('query', SubscriberListQuery), async (c) => {
      const query = c.req.valid('query');
      const [counts, subscribers] = [await countByState(deps.db), await listSubscribers(deps.db, query)];
      return c.json({ counts, subscribers: subscribers.map((s) => Subscriber.parse(s)) });
    })
    .get('/subscribers/export.csv', async (c) => {
      const rows: string[][] = [['email', 'state', 'services', 'source', 'created_at', 'confirmed_at', 'unsubscribed_at']];
      for (let afterId: number | undefined, page: Subscriber[]; (page = await listSubscribers(deps.db, { limit: 1000, ...(afterId ? { afterId } : {}) })).length > 0; afterId = page.at(-1)?.id) {
        for (const s of page) rows.push([s.email, s.state, s.services?.join(' ') ?? '', s.source, s.createdAt, s.confirmedAt ?? '', s.unsubscribedAt ?? '']);
      }
      return c.body(toCsv(rows), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="subscribers.csv"' });
    })
    .post('/subscribers/import', validate('json', ImportInput), async (c) => {
      const { csv, consent } = c.req.valid('json');
      const entries = readImport(csv);
      const now = deps.clock.now();
      const outcome = { added: 0, confirmed: 0, pending: 0, skipped: 0 };
      await deps.db.write(async (tx) => {
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
        await recordAudit(tx, { actor: c.get('actor'), action: 'subscriber.import', entity: 'subscriber', ref: 'import', after: { ...outcome, consent } }, now);
      });
      return c.json(outcome, 201);
    })
    .delete('/subscribers/:id', async (c) => {
      const id = SubscriberId.safeParse(c.req.param('id'));
      const now = deps.clock.now();
      const removed =
        id.success &&
        (await deps.db.write(async (tx) => {
          const done = await deleteSubscriber(tx, id.data);
          if (done) await recordAudit(tx, { actor: c.get('actor'), action: 'subscriber.delete', entity: 'subscriber', ref: String(id.data) }, now);
          return done;
        }));
      if (!removed) throw new NotFoundError(`[Subscribers] No subscriber "${c.req.param('id')}". GET /api/admin/subscribers?q=… finds one.`);
      return c.body(null, 204);
    })
    .get('/incidents/:ref/deliveries', async (c) => {
      const incidentId = idFromParam(c.req.param('ref'));
      await loadIncident(deps.db, incidentId);
      return c.json({ updates: await deliveryCounts(deps.db, incidentId) });
    });
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
