import RSS from 'rss';
import { INCIDENT_STATUS_LABEL } from '../domain/vocabulary.ts';
import type { SiteModel } from './model.ts';

/** Feed readers poll often: the newest 50 updates, however long the history. */
export const MAX_ITEMS = 50;

/**
 * The RSS 2.0 feed: one item per incident update, newest first, with a guid that never
 * changes (the update's permalink) and the update's sanitised HTML as description.
 * Pure; the route or the snapshot wraps the string.
 * With `serviceSlug`, only incidents that affect that service.
 */
export function renderFeed(model: SiteModel, options: { serviceSlug?: string; feedPath: string }): string {
  const { site } = model;
  const service = options.serviceSlug ? model.services.find((s) => s.slug === options.serviceSlug) : undefined;
  const included = model.incidents.filter((i) => !options.serviceSlug || i.services.some((s) => s.slug === options.serviceSlug));
  // A feed changes when its own items do, not when an unrelated incident does.
  const lastChange =
    included.flatMap((i) => i.updates.map((u) => u.editedAt ?? u.createdAt)).reduce<string | null>((a, b) => (a === null || b > a ? b : a), null) ??
    service?.updatedAt ??
    model.updatedAt;
  const feed = new RSS({
    title: service ? `${site.title}: ${service.name}` : site.title,
    description: service ? `Incidents affecting ${service.name}` : site.description,
    site_url: service ? `${site.publicUrl}/services/${service.slug}` : `${site.publicUrl}/`,
    feed_url: `${site.publicUrl}${options.feedPath}`,
    language: 'en',
    ttl: 1,
    pubDate: lastChange,
  });
  const items = included
    .flatMap((incident) => incident.updates.map((update) => ({ incident, update })))
    .sort((a, b) => (a.update.createdAt < b.update.createdAt ? 1 : a.update.createdAt > b.update.createdAt ? -1 : b.update.id - a.update.id))
    .slice(0, MAX_ITEMS);
  for (const { incident, update } of items) {
    const url = `${incident.url}#update-${update.id}`;
    feed.item({
      title: `${incident.title} — ${INCIDENT_STATUS_LABEL[update.status]}`,
      description: update.html,
      url,
      guid: url,
      date: update.createdAt,
      categories: [incident.ref, ...incident.services.map((s) => s.name)],
    });
  }
  // The rss package stamps lastBuildDate with the wall clock; the feed's last change keeps an
  // unchanged feed byte-for-byte unchanged (same ETag, nothing rewritten).
  return feed.xml({ indent: false }).replace(/<lastBuildDate>[^<]*<\/lastBuildDate>/, `<lastBuildDate>${new Date(lastChange).toUTCString()}</lastBuildDate>`);
}
