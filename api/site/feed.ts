/**
 * The feeds: RSS 2.0 and Atom 1.0 (RFC 4287), whole page and per service, from the same
 * entries — every incident update, every published postmortem and every entry on a
 * maintenance window's timeline, newest first, bounded — with the same sanitised HTML. Pure; the snapshot wraps the strings.
 */
import RSS from 'rss';
import type { SiteModel } from './model.ts';
import { toStorable } from '../shared/schemas.ts';

/** Feed readers poll often: the newest 50 entries, however long the history. */
export const MAX_ITEMS = 50;

/** One entry of a feed, whichever format carries it. */
export type FeedEntry = {
  /** The entry's permalink: also its id (RSS guid, Atom id), so it never changes. */
  url: string;
  title: string;
  /** Sanitised HTML (api/platform/markdown.ts renderMarkdown, plus escaped text of ours). */
  html: string;
  /** When it was posted, and when it last changed (an edit). */
  published: string;
  updated: string;
  categories: string[];
  /** Tie-break for entries posted in the same millisecond: newer id first. */
  order: number;
};

export type FeedOptions = { serviceSlug?: string; feedPath: string };

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * The entries a feed shows, newest first, at most MAX_ITEMS: with `serviceSlug`, only those
 * about that service. Maintenance entries say what happened ("Maintenance extended") and
 * lead with the planned window and services.
 */
export function feedEntries(model: SiteModel, serviceSlug?: string): FeedEntry[] {
  const touches = (services: readonly { slug: string }[]) => !serviceSlug || services.some((s) => s.slug === serviceSlug);
  const incidents = model.incidents.filter((i) => touches(i.services));
  const windows = model.maintenances.filter((m) => touches(m.services));
  const { t } = model.messages;
  const entries: FeedEntry[] = [
    ...incidents.flatMap((incident) =>
      incident.updates.map((update) => ({
        url: `${incident.url}#update-${update.id}`,
        title: t('feed.itemTitle', { title: incident.title, status: t(`incident.status.${update.status}`) }),
        html: update.html,
        published: update.createdAt,
        updated: update.editedAt ?? update.createdAt,
        categories: [incident.ref, ...incident.services.map((s) => s.name)],
        order: update.id,
      })),
    ),
    ...incidents.flatMap((incident) =>
      incident.postmortemPublishedAt && incident.postmortemHtml !== null
        ? [
            {
              url: `${incident.url}#postmortem`,
              title: t('feed.itemTitle', { title: incident.title, status: t('incident.postmortem') }),
              html: incident.postmortemHtml,
              published: incident.postmortemPublishedAt,
              updated: incident.postmortemPublishedAt,
              categories: [incident.ref, ...incident.services.map((s) => s.name)],
              order: 0,
            },
          ]
        : [],
    ),
    ...windows.flatMap((m) =>
      m.updates.map((update) => ({
        url: `${m.url}#update-${update.id}`,
        title: t('feed.itemTitle', { title: m.title, status: t(`maintenance.event.${update.event}`) }),
        html: `<p>${escapeXml(
          m.services.length
            ? t('feed.maintenanceWindowServices', {
                from: utc(m.scheduledFor),
                until: utc(m.scheduledUntil),
                services: m.services.map((s) => s.name).join(', '),
              })
            : t('feed.maintenanceWindow', { from: utc(m.scheduledFor), until: utc(m.scheduledUntil) }),
        )}</p>${update.html}`,
        published: update.createdAt,
        updated: update.createdAt,
        categories: [m.ref, t('feed.maintenanceCategory'), ...m.services.map((s) => s.name)],
        order: update.id,
      })),
    ),
  ];
  return entries.sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : b.order - a.order)).slice(0, MAX_ITEMS);
}

/** What both formats say about the feed itself. A feed changes when its own entries do, not when an unrelated incident does. */
function feedHead(model: SiteModel, entries: readonly FeedEntry[], serviceSlug?: string) {
  const { site } = model;
  const { t } = model.messages;
  const service = serviceSlug ? model.services.find((s) => s.slug === serviceSlug) : undefined;
  const lastChange =
    entries.map((e) => e.updated).reduce<string | null>((a, b) => (a === null || b > a ? b : a), null) ?? service?.updatedAt ?? model.updatedAt;
  return {
    title: service ? t('feed.serviceTitle', { site: site.title, service: service.name }) : site.title,
    description: service ? t('feed.serviceDescription', { service: service.name }) : site.description,
    siteUrl: service ? `${site.publicUrl}/services/${service.slug}` : `${site.publicUrl}/`,
    lastChange,
  };
}

/**
 * The RSS 2.0 feed: one item per entry, with a guid that never changes (the entry's permalink)
 * and the entry's sanitised HTML as description.
 */
/**
 * A feed as XML 1.0 allows it: the API refuses the characters XML cannot carry, but text stored
 * before it did (or by a tool writing to the database) must not make the whole feed unreadable
 * for every reader, so they are dropped here too.
 */
const xmlSafe = toStorable;

export function renderFeed(model: SiteModel, options: FeedOptions): string {
  const entries = feedEntries(model, options.serviceSlug);
  const head = feedHead(model, entries, options.serviceSlug);
  const feed = new RSS({
    title: head.title,
    description: head.description,
    site_url: head.siteUrl,
    feed_url: `${model.site.publicUrl}${options.feedPath}`,
    language: model.messages.lang,
    ttl: 1,
    pubDate: head.lastChange,
  });
  for (const e of entries) feed.item({ title: e.title, description: e.html, url: e.url, guid: e.url, date: e.published, categories: e.categories });
  // The rss package stamps lastBuildDate with the wall clock; the feed's last change keeps an
  // unchanged feed byte-for-byte unchanged (same ETag, nothing rewritten).
  return xmlSafe(
    feed.xml({ indent: false }).replace(/<lastBuildDate>[^<]*<\/lastBuildDate>/, `<lastBuildDate>${new Date(head.lastChange).toUTCString()}</lastBuildDate>`),
  );
}

/** The Atom feed's path beside an RSS feed's: `/feed.xml` → `/feed.atom`. */
export const atomPathOf = (rssPath: string) => rssPath.replace(/\.xml$/, '.atom');

/**
 * The Atom 1.0 feed (RFC 4287) of the same entries: the feed's id is its own URL; each entry's
 * id is its permalink (never changes), `updated` its last edit, and its content the same
 * sanitised HTML as the RSS description, escaped as `type="html"` requires. Built as plain
 * strings: every value goes through `escapeXml`.
 *
 * @example renderAtomFeed(model, { feedPath: '/feed.atom' }) // '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">…'
 */
export function renderAtomFeed(model: SiteModel, options: FeedOptions): string {
  const entries = feedEntries(model, options.serviceSlug);
  const head = feedHead(model, entries, options.serviceSlug);
  const self = `${model.site.publicUrl}${options.feedPath}`;
  const iso = (at: string) => new Date(at).toISOString();
  const el = (name: string, text: string) => `<${name}>${escapeXml(text)}</${name}>`;
  const link = (href: string, rel?: string, type?: string) => `<link${rel ? ` rel="${rel}"` : ''}${type ? ` type="${type}"` : ''} href="${escapeXml(href)}"/>`;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeXml(model.messages.lang)}">`,
    el('id', self),
    el('title', head.title),
    el('subtitle', head.description),
    el('updated', iso(head.lastChange)),
    link(self, 'self', 'application/atom+xml'),
    link(head.siteUrl, 'alternate', 'text/html'),
    `<author>${el('name', model.site.title)}${el('uri', `${model.site.publicUrl}/`)}</author>`,
    '<generator>Herald</generator>',
    ...entries.map((e) =>
      [
        '<entry>',
        el('id', e.url),
        el('title', e.title),
        el('published', iso(e.published)),
        el('updated', iso(e.updated)),
        link(e.url, 'alternate', 'text/html'),
        ...e.categories.map((c) => `<category term="${escapeXml(c)}"/>`),
        `<content type="html">${escapeXml(e.html)}</content>`,
        '</entry>',
      ].join(''),
    ),
    '</feed>',
  ];
  return xmlSafe(`${lines.join('\n')}\n`);
}
