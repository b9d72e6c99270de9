/**
 * The services on / for a catalogue of any size: the demo's ten keep their 90-day bars there;
 * a large catalogue gets one row a service — its status and its uptime percentage, in its
 * group — and its bars on its own page, so / stays a page one can load and tab through on a bad
 * day. Pages from the built Astro bundle (`npm run build`).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAstroRenderer } from '../../api/site/astro-renderer.ts';
import type { PageRenderer } from '../../api/site/publisher.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../support/app.ts';
import { contentWithServices } from '../support/catalogue.ts';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { ROOT } from '../support/server.ts';

let renderPage: PageRenderer;
beforeAll(async () => {
  renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
});

const CREATED = '2026-08-01T08:00:00.000Z';
const page = (t: TestApp, path: string) => t.snapshot.get(path)?.body.toString() ?? '';
/** Every uptime day on a page (UptimeBars.astro). */
const days = (html: string) => html.match(/<li tabindex="0"/g)?.length ?? 0;
/** The rows of the services' tables on /, in page order: slug, name, status words and uptime. */
const rows = (html: string) =>
  [...html.matchAll(/<tr><th scope="row"><a href="\/services\/([^"]+)">([^<]+)<\/a><\/th><td>(.*?)<\/td><td>([^<]*)<\/td><\/tr>/g)].map(
    ([, slug, name, status, uptime]) => ({
      slug: slug as string,
      name: name as string,
      status: (status as string).replace(/<[^>]+>/g, ''),
      uptime: uptime as string,
    }),
  );
/** The group headings of the services' section of /, in page order. */
const groupHeadings = (html: string) => {
  const section = /<section aria-labelledby="services">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
  return [...section.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
};

describe('the services on / in a catalogue of 200', () => {
  it('shows every service with its status and 90-day uptime in its group, in under 100 KB, and the bars on its own page', async () => {
    const t = await makeTestApp({ renderPage, start: CREATED, env: { CONTENT_DIR: contentWithServices(200) } });
    // A past outage of the API, and an open one of Service 150.
    t.clock.set('2026-11-03T10:00:00.000Z');
    const past = await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'api', status: 'partial_outage' }] }));
    expect(past.status, past.text).toBe(201);
    t.clock.advance(42 * 60_000);
    expect((await t.call('POST', `/api/admin/incidents/${past.json.ref}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }))).status).toBe(201);
    t.clock.set('2026-11-27T11:00:00.000Z');
    expect((await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'service-150', status: 'major_outage' }] }))).status).toBe(201);
    t.clock.set('2026-11-27T12:00:00.000Z');
    await t.publisher.publish({ incidents: [] });

    const home = page(t, '/');
    const bytes = Buffer.byteLength(home);
    expect(bytes, `/ is ${bytes} bytes`).toBeLessThan(100 * 1024);
    expect(days(home)).toBe(0);

    const listed = rows(home);
    const { services } = (await t.call('GET', '/api/admin/services')).json as { services: { slug: string; name: string }[] };
    expect(services).toHaveLength(200);
    expect(listed.map((r) => r.slug).sort()).toEqual(services.map((s) => s.slug).sort());
    const row = (slug: string) => listed.find((r) => r.slug === slug);
    expect(row('api')).toEqual({ slug: 'api', name: 'Public API', status: 'Operational', uptime: '99.99 %' });
    expect(row('service-150')).toMatchObject({ name: 'Service 150', status: 'Major outage' });
    expect(row('service-150')?.uptime).toMatch(/^99\.\d\d %$/);
    expect(listed.filter((r) => r.uptime === '100.00 %')).toHaveLength(198);
    expect(home).toContain('<th scope="col">Uptime, last 90 days</th>');

    // The catalogue's groups, in its order, each with its own services.
    expect(groupHeadings(home)).toEqual(['Core platform', 'Delivery', 'Account and billing']);
    const core = home.slice(home.indexOf('<h3>Core platform</h3>'), home.indexOf('<h3>Delivery</h3>'));
    expect(
      rows(core)
        .slice(0, 4)
        .map((r) => r.name),
    ).toEqual(['Web app', 'Public API', 'Sign-in and SSO', 'Database']);
    expect(rows(core)).toHaveLength(4 + 63);

    // The day by day is a link away, unchanged.
    const api = page(t, '/services/api');
    expect(days(api)).toBe(90);
    expect(api).toContain('aria-label="3 Nov 2026: partial outage 42 min');
  });
});

describe('where / switches from bars to rows', () => {
  it.each([
    [10, 'bars'],
    [11, 'rows'],
  ])('with %i services, / shows %s', async (count, shown) => {
    const t = await makeTestApp({ renderPage, start: CREATED, env: { CONTENT_DIR: contentWithServices(count) } });
    const home = page(t, '/');
    expect(days(home)).toBe(shown === 'bars' ? count * 90 : 0);
    expect(rows(home)).toHaveLength(shown === 'rows' ? count : 0);
  });
});
