/**
 * The feeds as readers fetch them from the snapshot: RSS and Atom, whole site and per service,
 * with incidents and maintenance windows, and the pages that announce them. Pages come from the
 * built Astro bundle (`npm run build`).
 */
import { join } from 'node:path';
import Parser from 'rss-parser';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadAstroRenderer } from '../../api/site/astro-renderer.ts';
import type { PageRenderer } from '../../api/site/publisher.ts';
import { makeIncident, makeMaintenance } from '../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../support/app.ts';
import { ROOT } from '../support/server.ts';

let renderPage: PageRenderer;
let t: TestApp;
beforeAll(async () => {
  renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
});
beforeEach(async () => {
  t = await makeTestApp({ renderPage }); // clock at 2026-03-10T12:00Z; the factory's window is 22:00–00:00
});

const file = (path: string) => t.snapshot.get(path);
const text = (path: string) => file(path)?.body.toString() ?? '';
// rss-parser reads with xml2js in strict mode: a document that is not well-formed XML is rejected.
const parse = (path: string) => new Parser().parseString(text(path));

async function someNews() {
  await t.call('POST', '/api/admin/incidents', makeIncident({ message: 'Errors on **some** calls <script>alert(1)</script>' }));
  t.clock.advance(60_000);
  await t.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Database upgrade', services: ['database'] }));
  t.clock.advance(60_000);
  await t.call('POST', '/api/admin/maintenance/MNT-1/extend', { scheduledUntil: '2026-03-11T01:00:00.000Z', message: 'We need one more hour & a bit.' });
}

describe('maintenance in the RSS feeds', () => {
  it('lists each entry of a window beside incident updates, newest first, saying what happened', async () => {
    await someNews();
    const feed = await parse('/feed.xml');
    expect(feed.items.map((i) => i.title)).toEqual([
      'Database upgrade — Maintenance extended',
      'Database upgrade — Maintenance scheduled',
      'Elevated API error rates — Investigating',
    ]);
    const [extended] = feed.items;
    expect(extended?.link).toMatch(new RegExp(`^${PUBLIC_URL}/maintenance/MNT-1#update-\\d+$`));
    expect(extended?.guid).toBe(extended?.link);
    expect(extended?.content).toContain('Planned maintenance from 2026-03-10 22:00 UTC to 2026-03-11 01:00 UTC, affecting Database.');
    expect(extended?.content).toContain('We need one more hour &amp; a bit.');
  });

  it('lists a window only in the feeds of the services it affects', async () => {
    await someNews();
    expect((await parse('/services/database/feed.xml')).items.map((i) => i.title)).toEqual([
      'Database upgrade — Maintenance extended',
      'Database upgrade — Maintenance scheduled',
    ]);
    expect((await parse('/services/api/feed.xml')).items.map((i) => i.title)).toEqual(['Elevated API error rates — Investigating']);
  });
});

describe('the Atom feeds', () => {
  it('sit beside each RSS feed as application/atom+xml', async () => {
    await someNews();
    for (const path of ['/feed.atom', '/services/api/feed.atom', '/services/database/feed.atom']) {
      expect(file(path)?.type).toBe('application/atom+xml; charset=utf-8');
    }
    const served = await t.app.request('/feed.atom', { headers: { 'accept-encoding': 'br' } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(served.headers.get('content-encoding')).toBe('br');
  });

  it('are Atom 1.0 with the feed’s id, title, updated and self link, and the RSS feed’s entries', async () => {
    await someNews();
    const xml = text('/feed.atom');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    expect(xml).toContain(`<id>${PUBLIC_URL}/feed.atom</id>`);
    expect(xml).toContain(`<link rel="self" type="application/atom+xml" href="${PUBLIC_URL}/feed.atom"/>`);
    expect(xml).toContain('<updated>2026-03-10T12:02:00.000Z</updated>');
    const atom = await parse('/feed.atom');
    const rss = await parse('/feed.xml');
    expect(atom.title).toBe(rss.title);
    expect(atom.items.map((i) => [i.title, i.link, i.id])).toEqual(rss.items.map((i) => [i.title, i.link, i.link]));
    // The same sanitised HTML as the RSS description, carried as escaped text (type="html").
    expect(atom.items.map((i) => i.content)).toEqual(rss.items.map((i) => i.content));
    expect(xml).toContain('<content type="html">&lt;p&gt;Errors on &lt;strong&gt;some&lt;/strong&gt; calls &amp;lt;script&amp;gt;');
    expect(xml).not.toContain('<script');
    const entries = xml.match(/<entry>[\s\S]*?<\/entry>/g) ?? [];
    expect(entries).toHaveLength(3);
    for (const entry of entries)
      expect(entry).toMatch(
        /<id>[^<]+<\/id><title>[^<]+<\/title><published>[^<]+<\/published><updated>[^<]+<\/updated><link rel="alternate" type="text\/html" href="[^"]+"\/>/,
      );
  });

  it('stay well-formed with hostile text in a title and a message', async () => {
    const title = `Upgrade <script>alert(1)</script> & "quotes" ]]> 'too'`;
    await t.call('POST', '/api/admin/maintenance', {
      ...makeMaintenance({ title, message: 'See <img src=x onerror=alert(1)> & <![CDATA[ x ]]>' }),
      acknowledgeWarnings: true,
    });
    const atom = await parse('/feed.atom');
    expect(atom.items[0]?.title).toBe(`${title} — Maintenance scheduled`);
    expect(atom.items[0]?.content).toContain('See &lt;img src=x onerror=alert(1)&gt;'); // shown as text, never as an element
    expect(atom.items[0]?.content).not.toContain('<img');
    expect(text('/feed.atom')).not.toContain('<script');
  });

  it('stay well-formed when stored text holds characters XML cannot carry (written before the API refused them)', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Bell rings' }));
    await t.db.execute({ sql: 'UPDATE incidents SET title = ? WHERE id = 1', args: ['Bell\u0007 rings\u001b[0m'] });
    t.clock.advance(60_000);
    const update = await t.call('POST', '/api/admin/incidents/INC-1/updates', { status: 'mitigating', message: 'Found it.' });
    expect(update.status, JSON.stringify(update.json)).toBe(201);
    expect((await parse('/feed.xml')).items[0]?.title).toBe('Bell rings[0m — Mitigating');
    expect((await parse('/feed.atom')).items[0]?.title).toBe('Bell rings[0m — Mitigating');
  });

  it('per service: its own id and title, only its entries', async () => {
    await someNews();
    const atom = await parse('/services/database/feed.atom');
    expect(atom.title).toBe('Example Cloud Status: Database');
    expect(text('/services/database/feed.atom')).toContain(`<id>${PUBLIC_URL}/services/database/feed.atom</id>`);
    expect(atom.items.map((i) => i.title)).toEqual(['Database upgrade — Maintenance extended', 'Database upgrade — Maintenance scheduled']);
  });

  it('are announced in every page’s head and linked where the RSS link is', async () => {
    const home = text('/');
    expect(home).toContain('<link rel="alternate" type="application/atom+xml"');
    expect(home).toMatch(/<link rel="alternate" type="application\/atom\+xml" title="[^"]*" href="\/feed.atom"/);
    expect(home).toContain('<a href="/feed.atom">Atom feed</a>');
    const service = text('/services/api');
    expect(service).toMatch(/<link rel="alternate" type="application\/atom\+xml" title="[^"]*" href="\/services\/api\/feed.atom"/);
    expect(service).toContain('<a href="/services/api/feed.atom">Atom feed</a>');
  });
});

describe('maintenance on a service page', () => {
  const servicePage = (slug: string) => text(`/services/${slug}`);

  it('shows a window in progress before the upcoming ones, only on the services it affects, and is republished as it changes', async () => {
    expect(servicePage('database')).not.toContain('id="service-maintenance"');
    await t.call(
      'POST',
      '/api/admin/maintenance',
      makeMaintenance({ title: 'Later upgrade', services: ['database'], scheduledFor: '2026-03-12T22:00:00.000Z', scheduledUntil: '2026-03-12T23:00:00.000Z' }),
    );
    await t.call(
      'POST',
      '/api/admin/maintenance',
      makeMaintenance({ title: 'Index rebuild', services: ['database'], scheduledFor: '2026-03-10T11:00:00.000Z', scheduledUntil: '2026-03-10T13:00:00.000Z' }),
    );
    const page = servicePage('database');
    expect(page).toContain('<h2 id="service-maintenance">Maintenance</h2>');
    expect(page.indexOf('Index rebuild')).toBeGreaterThan(0);
    expect(page.indexOf('Index rebuild')).toBeLessThan(page.indexOf('Later upgrade'));
    expect(servicePage('api')).not.toContain('Later upgrade');
    // An extension and a cancellation are written without touching the service itself: the page follows all the same.
    await t.call('POST', '/api/admin/maintenance/MNT-1/extend', { scheduledUntil: '2026-03-13T01:00:00.000Z' });
    expect(servicePage('database')).toContain('datetime="2026-03-13T01:00:00.000Z"');
    await t.call('POST', '/api/admin/maintenance/MNT-1/updates', { status: 'completed', message: 'Called off.' });
    expect(servicePage('database')).not.toContain('Later upgrade');
  });
});
