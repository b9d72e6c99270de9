import { z } from 'zod';
import { loadIncident } from '../incidents/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { as } from '../../platform/commands.ts';
import type { AppDeps } from '../../deps.ts';
import { defineRoute, documentedRoutes, errors, idParam, IncidentRefParam, json, jsonBody, writeErrors } from '../../platform/http/openapi.ts';
import { deliveryCounts } from '../../platform/delivery/outbox.ts';
import { idFromRef } from '../../shared/refs.ts';
import { toCsv } from './csv.ts';
import { importSubscribers, removeSubscriber, restoreSubscriber } from './import.ts';
import { ChannelCounts, ImportInput, ImportReport, Subscriber, SubscriberCounts, SubscriberListQuery, UpdateDeliveryCounts } from './schemas.ts';
import { subscriberCounts, subscribersPage } from './queries.ts';

const SubscriberId = z.coerce.number().int().positive();

const list = defineRoute({
  method: 'get',
  path: '/subscribers',
  summary: 'Subscribers with counts by state, in all and per channel; search by address, state or channel',
  request: { query: SubscriberListQuery },
  responses: {
    200: json('Subscribers', z.object({ counts: SubscriberCounts, channels: ChannelCounts, subscribers: z.array(Subscriber) })),
    ...errors(400, 401),
  },
});

const exportCsv = defineRoute({
  method: 'get',
  path: '/subscribers/export.csv',
  summary: 'All subscribers as CSV',
  responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errors(401) },
});

const importCsv = defineRoute({
  method: 'post',
  path: '/subscribers/import',
  summary: 'Import subscribers from CSV; they confirm by mail unless `consent` is true',
  request: { body: jsonBody(ImportInput) },
  responses: { 201: json('What was added and skipped', ImportReport), ...writeErrors() },
});

const remove = defineRoute({
  method: 'delete',
  path: '/subscribers/{id}',
  summary: 'Remove a subscriber (and mail still queued for them)',
  request: { params: idParam('id') },
  responses: { 204: { description: 'Removed' }, ...errors(401, 403, 404) },
});

const restore = defineRoute({
  method: 'post',
  path: '/subscribers/{id}/restore',
  summary: 'Restore an address the mail relay refused (suppressed)',
  description:
    'Mail goes to it again from the next notice on: confirmed again if its owner had confirmed, else pending with a fresh confirmation mail. Only a permanent refusal of the recipient (SMTP 5xx to RCPT TO) suppresses an address; 409 when it is not suppressed.',
  request: { params: idParam('id') },
  responses: { 200: json('The subscriber as restored', Subscriber), ...errors(401, 403, 404, 409) },
});

const deliveries = defineRoute({
  method: 'get',
  path: '/incidents/{ref}/deliveries',
  summary: "Per-update delivery counts of an incident's notices",
  request: { params: IncidentRefParam },
  responses: { 200: json('Counts by update', z.object({ updates: z.array(UpdateDeliveryCounts) })), ...errors(401, 404) },
});

/**
 * Under /api/admin (bearer auth already applies): subscribers — counts by state and search,
 * removal, the restore of a suppressed address, CSV export and import — and per-update
 * delivery counts of an incident.
 */
export function subscriberAdminRoutes(deps: AppDeps) {
  return documentedRoutes()
    .openapi(list, async (c) => {
      const query = c.req.valid('query');
      const [counts, subscribers] = [await subscriberCounts(deps.db), await subscribersPage(deps.db, query)];
      return c.json({ counts: counts.total, channels: counts.channels, subscribers: subscribers.map((s) => Subscriber.parse(s)) }, 200);
    })
    .openapi(exportCsv, async (c) => {
      const rows: string[][] = [
        ['email', 'state', 'services', 'source', 'created_at', 'confirmed_at', 'unsubscribed_at', 'channel', 'target', 'events', 'major_only'],
      ];
      for (
        let afterId: number | undefined, page: Subscriber[];
        (page = await subscribersPage(deps.db, { limit: 1000, ...(afterId ? { afterId } : {}) })).length > 0;
        afterId = page.at(-1)?.id
      ) {
        for (const s of page)
          rows.push([
            s.email,
            s.state,
            s.services?.join(' ') ?? '',
            s.source,
            s.createdAt,
            s.confirmedAt ?? '',
            s.unsubscribedAt ?? '',
            s.channel,
            s.targetOrigin ?? '',
            s.events,
            s.majorOnly ? 'yes' : 'no',
          ]);
      }
      return c.body(toCsv(rows), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="subscribers.csv"' });
    })
    .openapi(importCsv, async (c) => c.json(await importSubscribers(as(deps, c.get('actor')), c.req.valid('json')), 201))
    .openapi(remove, async (c) => {
      const raw = c.req.valid('param').id;
      const id = SubscriberId.safeParse(raw);
      if (!id.success) throw new NotFoundError(`[Subscribers] No subscriber "${raw}". GET /api/admin/subscribers?q=… finds one.`);
      await removeSubscriber(as(deps, c.get('actor')), id.data);
      return c.body(null, 204);
    })
    .openapi(restore, async (c) => {
      const raw = c.req.valid('param').id;
      const id = SubscriberId.safeParse(raw);
      if (!id.success) throw new NotFoundError(`[Subscribers] No subscriber "${raw}". GET /api/admin/subscribers?q=… finds one.`);
      return c.json(Subscriber.parse(await restoreSubscriber(as(deps, c.get('actor')), id.data)), 200);
    })
    .openapi(deliveries, async (c) => {
      const incidentId = idFromRef('incident', c.req.valid('param').ref);
      await loadIncident(deps.db, incidentId);
      return c.json({ updates: await deliveryCounts(deps.db, incidentId) }, 200);
    });
}
