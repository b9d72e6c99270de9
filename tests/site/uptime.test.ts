/**
 * The 90-day uptime bars as the publisher renders them into the snapshot (the built Astro
 * bundle, `npm run build`): on / and each service page, from what the commands recorded, light
 * enough for / to stay small, and moved on by a republish at UTC midnight.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadAstroRenderer } from '../../api/site/astro-renderer.ts';
import { createPublisher, type PageRenderer } from '../../api/site/publisher.ts';
import { silentLog } from '../../api/platform/log/log.ts';
import { updateService } from '../../api/features/services/store.ts';
import { Snapshot } from '../../api/site/snapshot.ts';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../support/app.ts';
import { ROOT } from '../support/server.ts';
import { seedDemo } from '../../api/demo.ts';

let renderPage: PageRenderer;
beforeAll(async () => {
  renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
});
afterEach(() => {
  vi.useRealTimers();
});

/** The catalogue's services exist from this day on: the whole window has data. */
const CREATED = '2026-08-01T08:00:00.000Z';
const page = (t: TestApp, path: string) => t.snapshot.get(path)?.body.toString() ?? '';
/** Every day's label on a page, in page order. */
const labels = (html: string) => [...html.matchAll(/<li tabindex="0"(?: class="\w")? aria-label="([^"]+)"/g)].map((m) => m[1] as string);

/** An incident on `services` from `at` for `minutes`, declared and resolved through the API. */
async function outage(t: TestApp, at: string, minutes: number, services: { slug: string; status: string }[]): Promise<string> {
  t.clock.set(at);
  const declared = await t.call('POST', '/api/admin/incidents', makeIncident({ services: services as never }));
  expect(declared.status, declared.text).toBe(201);
  t.clock.advance(minutes * 60_000);
  const resolved = await t.call('POST', `/api/admin/incidents/${declared.json.ref}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
  expect(resolved.status, resolved.text).toBe(201);
  return declared.json.ref as string;
}

describe('uptime on the published pages', () => {
  it('shows each service’s 90 days and its uptime on / and on its page, naming the incidents', async () => {
    const t = await makeTestApp({ renderPage, start: CREATED });
    const ref = await outage(t, '2026-11-03T10:00:00.000Z', 42, [{ slug: 'api', status: 'partial_outage' }]);
    t.clock.set('2026-11-27T12:00:00.000Z');
    await t.publisher.publish({ incidents: [] });

    const label = `3 Nov 2026: partial outage 42 min — ${ref}`;
    for (const path of ['/', '/services/api']) {
      const html = page(t, path);
      expect(html, path).toContain(`<li tabindex="0" class="p" aria-label="${label}"></li>`);
      expect(html, path).toContain('aria-label="Public API: uptime by day, last 90 days"');
      // 42 minutes at the partial-outage weight (0.3) of 89.5 days: 99.990…, rounded down.
      expect(html, path).toContain('99.99 % uptime');
      expect(html, path).toContain('aria-label="27 Nov 2026: no downtime"');
    }
    const home = page(t, '/');
    expect(labels(home)).toHaveLength(10 * 90);
    expect(home).toContain('aria-label="Billing: uptime by day, last 90 days"');
    expect(home.match(/100\.00 % uptime/g)).toHaveLength(9);
    const api = labels(page(t, '/services/api'));
    expect(api).toHaveLength(90);
    expect(api[0]).toBe('30 Aug 2026: no downtime');
    expect(api.at(-1)).toBe('27 Nov 2026: no downtime');
    // Billing was not affected: its page names no incident.
    expect(labels(page(t, '/services/billing')).join('\n')).not.toContain('INC-');
  });

  it('shows days before a new service existed as no data', async () => {
    const t = await makeTestApp({ renderPage, start: '2026-11-25T12:00:00.000Z' });
    const created = await t.call('POST', '/api/admin/services', { slug: 'reports', name: 'Reports', status: 'operational' });
    expect(created.status, created.text).toBe(201);
    t.clock.set('2026-11-27T12:00:00.000Z');
    await t.publisher.publish({ incidents: [] });
    const days = labels(page(t, '/services/reports'));
    expect(days.slice(-4)).toEqual(['24 Nov 2026: no data', '25 Nov 2026: no downtime', '26 Nov 2026: no downtime', '27 Nov 2026: no downtime']);
    expect(page(t, '/services/reports')).toContain('100.00 % uptime over 3 days, since 25 Nov 2026');
  });

  it('reads a 2-minute outage on a service created minutes ago as 2 of the day’s 1,440 minutes, over one day', async () => {
    const t = await makeTestApp({ renderPage, start: '2026-11-27T09:00:00.000Z' });
    expect((await t.call('POST', '/api/admin/services', { slug: 'reports', name: 'Reports', status: 'operational' })).status).toBe(201);
    t.clock.advance(5 * 60_000);
    await outage(t, t.clock.now().toISOString(), 2, [{ slug: 'reports', status: 'major_outage' }]);
    t.clock.advance(60_000);
    await t.publisher.publish({ incidents: [] });
    const figure = /<p id="uptime-reports"><span>[^<]*<\/span><span>([^<]*)<\/span>/.exec(page(t, '/services/reports'))?.[1];
    expect(figure).toBe('99.86 % uptime today');
    expect(Number.parseFloat(figure ?? '')).toBeGreaterThanOrEqual(99);
  });

  it('says over how many days a figure runs in the table of a large catalogue', async () => {
    const t = await makeTestApp({ renderPage, start: '2026-11-20T09:00:00.000Z' });
    for (let i = 0; i < 11; i++)
      expect((await t.call('POST', '/api/admin/services', { slug: `extra-${i}`, name: `Extra ${i}`, status: 'operational' })).status).toBe(201);
    t.clock.set('2026-11-27T12:00:00.000Z');
    await t.publisher.publish({ incidents: [] });
    const home = page(t, '/');
    expect(home).toContain('<td>100.00 % over 8 days</td>');
    expect(home).not.toMatch(/<td>100\.00 %<\/td>/);
  });

  it('counts a status set outside incidents, and leaves maintenance out', async () => {
    const t = await makeTestApp({ renderPage, start: CREATED });
    t.clock.set('2026-11-20T09:00:00.000Z');
    expect((await t.call('PATCH', '/api/admin/services/cdn', { status: 'major_outage' })).status).toBe(200);
    t.clock.advance(30 * 60_000);
    expect((await t.call('PATCH', '/api/admin/services/cdn', { status: 'under_maintenance' })).status).toBe(200);
    t.clock.advance(5 * 3600_000);
    expect((await t.call('PATCH', '/api/admin/services/cdn', { status: 'operational' })).status).toBe(200);
    expect(labels(page(t, '/services/cdn'))).toContain('20 Nov 2026: major outage 30 min');
  });

  it('keeps / under 15 KB gzipped with ten services and a history of outages', async () => {
    const t = await makeTestApp({ renderPage, start: CREATED });
    const { services } = (await t.call('GET', '/api/admin/services')).json as { services: { slug: string }[] };
    expect(services).toHaveLength(10);
    const statuses = ['degraded_performance', 'partial_outage', 'major_outage'];
    for (let i = 0; i < 24; i++) {
      const day = new Date(Date.parse('2026-09-01T06:00:00.000Z') + i * 3.5 * 86_400_000 + i * 3_600_000).toISOString();
      const affected = [services[i % 10], services[(i * 3 + 1) % 10]].map((s, k) => ({
        slug: (s as { slug: string }).slug,
        status: statuses[(i + k) % 3] as string,
      }));
      await outage(t, day, 20 + i * 7, [...new Map(affected.map((a) => [a.slug, a])).values()]);
    }
    t.clock.set('2026-11-27T12:00:00.000Z');
    await t.publisher.publish({ incidents: [] });
    const home = page(t, '/');
    expect(labels(home)).toHaveLength(900);
    expect(labels(home).filter((l) => l.includes('INC-')).length).toBeGreaterThan(24);
    const gz = await t.app.request('/', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    const bytes = (await gz.arrayBuffer()).byteLength;
    expect(bytes, `/ is ${bytes} bytes gzipped (${Buffer.byteLength(home)} raw)`).toBeLessThan(15 * 1024);
  });
});

describe('the day rolling over', () => {
  it('tells the publisher’s caller to republish at the next UTC midnight', async () => {
    const t = await makeTestApp({ start: '2026-11-27T23:50:00.000Z' });
    const deadlines: string[] = [];
    const publisher = createPublisher({
      db: t.db,
      clock: t.clock,
      snapshot: t.snapshot,
      renderPage: null,
      log: silentLog,
      settings: t.settings,
      publicUrl: PUBLIC_URL,
      updateIntervalMinutes: 30,
      onNextDeadline: (at) => deadlines.push(at?.toISOString() ?? 'none'),
    });
    await publisher.publish('all');
    t.clock.set('2026-11-28T00:00:00.000Z');
    await publisher.publish({ incidents: [] });
    expect(deadlines).toEqual(['2026-11-28T00:00:00.000Z', '2026-11-29T00:00:00.000Z']);
  });

  it('republishes / and every service page at midnight, with the bars moved by a day', async () => {
    const t = await makeTestApp({ renderPage, start: '2026-11-27T20:00:00.000Z' });
    t.clock.set('2026-11-27T23:59:00.000Z');
    // Only the deadline timer is faked; the jobs' intervals run (and stop) as in production.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // As the server does: publish (resume), then start the jobs, which arm the deadline that publish announced.
    await t.publisher.publish({ incidents: [] });
    expect(labels(page(t, '/services/api')).at(-1)).toBe('27 Nov 2026: no downtime');
    const stop = t.herald.startJobs();
    try {
      t.clock.set('2026-11-28T00:00:01.000Z');
      await vi.advanceTimersByTimeAsync(61_000);
      await t.publisher.idle();
      for (const path of ['/', '/services/api', '/services/billing']) {
        const days = labels(page(t, path));
        expect(days.slice(-2), path).toEqual(['27 Nov 2026: no downtime', '28 Nov 2026: no downtime']);
        expect(days.at(-90), path).toBe('31 Aug 2026: no data');
      }
    } finally {
      vi.useRealTimers();
      await stop();
    }
  });

  it('re-renders every service page on the first publish of a day, and not again that day', async () => {
    const t = await makeTestApp({ renderPage, start: '2026-11-27T23:00:00.000Z' });
    expect((await t.publisher.publish({ incidents: [] })).changed).not.toContain('/services/api');
    t.clock.set('2026-11-28T00:05:00.000Z');
    const next = await t.publisher.publish({ incidents: [] });
    expect(next.changed).toEqual(expect.arrayContaining(['/', '/services/api', '/services/billing']));
    t.clock.advance(60_000);
    expect((await t.publisher.publish({ incidents: [] })).changed).not.toContain('/services/api');
  });
});

describe('uptime across the publishes of a day', () => {
  it('keeps every service’s uptime as a full read has it, reading again only what each write touched', async () => {
    const t = await makeTestApp({ start: '2026-11-27T08:00:00.000Z' });
    // Writes through this process, each published on its own: an incident, its updates, a status set outside incidents.
    const declared = await t.call(
      'POST',
      '/api/admin/incidents',
      makeIncident({
        services: [
          { slug: 'api', status: 'partial_outage' },
          { slug: 'email', status: 'major_outage' },
        ],
      }),
    );
    t.clock.advance(20 * 60_000);
    await t.call(
      'POST',
      `/api/admin/incidents/${declared.json.ref}/updates`,
      makeUpdate({ status: 'mitigating', message: 'Email is back.', services: [{ slug: 'email', status: 'operational' }] }),
    );
    t.clock.advance(20 * 60_000);
    await t.call('POST', `/api/admin/incidents/${declared.json.ref}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    expect((await t.call('PATCH', '/api/admin/services/cdn', { status: 'degraded_performance' })).status).toBe(200);
    // An incident that names a service without changing its status: its resolution writes only the incident.
    const named = await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'billing', status: 'operational' }] }));
    expect(named.status, named.text).toBe(201);
    t.clock.advance(5 * 60_000);
    expect((await t.call('POST', `/api/admin/incidents/${named.json.ref}/updates`, makeUpdate({ status: 'resolved', message: 'Fine.' }))).status).toBe(201);
    // A write another process made: this one learns of it from the publish log alone.
    t.clock.advance(10 * 60_000);
    await updateService(t.db, 'search', { status: 'major_outage' }, t.clock.now());
    t.clock.advance(15 * 60_000);
    await t.publisher.publish({ incidents: [] });

    const fresh = createPublisher({
      db: t.db,
      clock: t.clock,
      snapshot: new Snapshot(null),
      renderPage: null,
      settings: t.settings,
      publicUrl: PUBLIC_URL,
      updateIntervalMinutes: t.config.updateIntervalMinutes,
      log: silentLog,
    });
    await fresh.publish('all');
    const uptime = t.publisher.current()?.uptime ?? {};
    expect(uptime).toEqual(fresh.current()?.uptime);
    expect(uptime.api?.days.at(-1)?.label).toBe(`27 Nov 2026: partial outage 40 min — ${declared.json.ref}`);
    expect(uptime.email?.days.at(-1)?.label).toBe(`27 Nov 2026: major outage 20 min — ${declared.json.ref}`);
    expect(uptime.cdn?.days.at(-1)?.label).toBe('27 Nov 2026: degraded performance 30 min');
    expect(uptime.search?.days.at(-1)?.label).toBe('27 Nov 2026: major outage 15 min');
    expect(uptime.billing?.days.at(-1)?.label).toBe(`27 Nov 2026: no downtime — ${named.json.ref}`);
  });
});

describe('the demo', () => {
  it('has 90 days of history on every service, each incident on the days and services it touched', async () => {
    const t = await makeTestApp({ start: '2026-11-27T12:00:00.000Z' });
    expect(await seedDemo(t.db, t.clock.now(), { publicUrl: PUBLIC_URL, updateIntervalMinutes: 30 }, silentLog)).toBe(true);
    await t.publisher.publish('all');
    const model = t.publisher.current();
    const uptime = model?.uptime ?? {};
    expect(Object.keys(uptime)).toHaveLength(10);
    for (const [slug, u] of Object.entries(uptime)) {
      expect(
        u.days.filter((d) => d.level === 'none'),
        slug,
      ).toEqual([]);
      expect(u.counted, slug).toBe(90);
    }
    const { incidents } = (await t.call('GET', '/api/admin/incidents?state=all')).json as {
      incidents: { ref: string; startedAt: string; services: { slug: string }[]; updates: { services: { slug: string; to: string }[] }[] }[];
    };
    expect(incidents.length).toBeGreaterThanOrEqual(5);
    for (const incident of incidents) {
      const date = incident.startedAt.slice(0, 10);
      for (const { slug } of incident.services) {
        const day = uptime[slug]?.days.find((d) => d.date === date);
        expect(day?.label, `${incident.ref} on ${slug}`).toContain(incident.ref);
        // A service the incident set below operational shows that on the day.
        if (incident.updates.some((u) => u.services.some((c) => c.slug === slug && c.to !== 'operational')))
          expect(day?.level, `${incident.ref} on ${slug}`).not.toBe('ok');
      }
    }
  });
});
