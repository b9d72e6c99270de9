import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Parser from 'rss-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import { Snapshot } from '../../api/site/snapshot.ts';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const getJson = async (path: string) => (await t.app.request(path)).json() as Promise<any>;

describe('Statuspage-compatible JSON', () => {
  it('publishes an incident with Statuspage names and vocabulary', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P1', services: [{ slug: 'api', status: 'partial_outage' }] }));
    t.clock.advance(10 * 60_000);
    await t.call(
      'POST',
      '/api/admin/incidents/INC-1/updates',
      makeUpdate({ status: 'mitigating', services: [{ slug: 'api', status: 'degraded_performance' }] }),
    );

    const summary = await getJson('/api/v2/summary.json');
    expect(Object.keys(summary).sort()).toEqual(['components', 'incidents', 'page', 'scheduled_maintenances', 'status']);
    expect(summary.page).toMatchObject({ id: expect.any(String), name: 'Example Cloud', url: PUBLIC_URL, time_zone: 'Etc/UTC' });
    expect(summary.status).toEqual({ indicator: 'major', description: 'Partial System Outage' });
    const [incident] = summary.incidents;
    expect(incident).toMatchObject({
      id: 'INC-1',
      name: 'Elevated API error rates',
      status: 'identified',
      impact: 'major',
      shortlink: `${PUBLIC_URL}/incidents/INC-1`,
      resolved_at: null,
      monitoring_at: null,
      started_at: '2026-03-10T12:00:00.000Z',
    });
    expect(incident.incident_updates.map((u: { status: string }) => u.status)).toEqual(['identified', 'investigating']);
    expect(incident.incident_updates[0].affected_components).toEqual([
      { code: 'api', name: 'Public API', old_status: 'partial_outage', new_status: 'degraded_performance' },
    ]);
    expect(incident.components[0]).toMatchObject({ id: 'api', status: 'degraded_performance' });
    const api = summary.components.find((c: { id: string }) => c.id === 'api');
    expect(api).toMatchObject({ name: 'Public API', status: 'degraded_performance', group: false, group_id: 'group-core', only_show_if_degraded: false });
    const group = summary.components.find((c: { id: string }) => c.id === 'group-core');
    expect(group).toMatchObject({ group: true, status: 'degraded_performance', components: ['web-app', 'api', 'auth', 'database'] });
  });

  it('keeps resolved incidents out of unresolved.json and in incidents.json', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident());
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    expect((await getJson('/api/v2/incidents/unresolved.json')).incidents).toEqual([]);
    const [incident] = (await getJson('/api/v2/incidents.json')).incidents;
    expect(incident).toMatchObject({ id: 'INC-1', status: 'resolved', resolved_at: '2026-03-10T12:00:00.000Z' });
    expect((await getJson('/api/v2/status.json')).status.indicator).toBe('none');
  });

  it('maps every severity to Statuspage impact', async () => {
    for (const severity of ['P0', 'P1', 'P2', 'P3'] as const) await t.call('POST', '/api/admin/incidents', makeIncident({ severity, services: [] }));
    const impacts = (await getJson('/api/v2/incidents.json')).incidents.map((i: { impact: string }) => i.impact);
    expect(impacts).toEqual(['none', 'minor', 'major', 'critical']);
  });
});

describe('RSS', () => {
  it('has one item per update with a stable guid and sanitised HTML', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ message: 'Looking into it <script>alert(1)</script>' }));
    const first = await new Parser().parseString(t.snapshot.get('/feed.xml')!.body.toString());
    t.clock.advance(60_000);
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ message: '**Fix** deployed' }));
    const feed = await new Parser().parseString(t.snapshot.get('/feed.xml')!.body.toString());
    expect(feed.items.map((i) => i.title)).toEqual(['Elevated API error rates — Mitigating', 'Elevated API error rates — Investigating']);
    expect(feed.items[1]?.guid).toBe(first.items[0]?.guid);
    expect(feed.items[0]?.link).toMatch(new RegExp(`^${PUBLIC_URL}/incidents/INC-1#update-\\d+$`));
    expect(feed.items[0]?.content).toContain('<strong>Fix</strong>');
    expect(feed.items[1]?.content).not.toContain('<script');
    expect(feed.items[1]?.content).toContain('&lt;script&gt;');
  });

  it('publishes a feed per service with only its incidents', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'API down', services: [{ slug: 'api', status: 'major_outage' }] }));
    await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Billing late', services: [{ slug: 'billing', status: 'degraded_performance' }] }));
    const feed = await new Parser().parseString(t.snapshot.get('/services/billing/feed.xml')!.body.toString());
    expect(feed.items.map((i) => i.title)).toEqual(['Billing late — Investigating']);
  });
});

describe('serving the snapshot', () => {
  it('serves brotli or gzip with validators, and 304 for a current copy', async () => {
    const br = await t.app.request('/api/v2/summary.json', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    const body = brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString();
    expect(JSON.parse(body).page.name).toBe('Example Cloud');
    const etag = br.headers.get('etag')!;
    expect(etag).toMatch(/^".+-br"$/);
    expect(br.headers.get('last-modified')).toBeTruthy();
    expect(br.headers.get('vary')).toBe('Accept-Encoding');

    const gz = await t.app.request('/api/v2/summary.json', { headers: { 'accept-encoding': 'gzip' } });
    expect(JSON.parse(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).page.name).toBe('Example Cloud');

    const again = await t.app.request('/api/v2/summary.json', { headers: { 'if-none-match': etag, 'accept-encoding': 'br' } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    await t.call('POST', '/api/admin/incidents', makeIncident());
    const changed = await t.app.request('/api/v2/summary.json', { headers: { 'if-none-match': etag, 'accept-encoding': 'br' } });
    expect(changed.status).toBe(200);
  });

  it('lets widgets on other sites read the JSON and feeds, but not the pages', async () => {
    const json = await t.app.request('/api/v2/summary.json', { headers: { origin: 'https://customer.example' } });
    expect(json.headers.get('access-control-allow-origin')).toBe('*');
    expect((await t.app.request('/feed.xml')).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers HEAD with headers and no body', async () => {
    const res = await t.app.request('/feed.xml', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/rss+xml');
    expect(await res.text()).toBe('');
  });

  it('keeps serving the published site when the database is gone', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Still visible' }));
    t.db.close();
    const res = await t.app.request('/api/v2/summary.json');
    expect(res.status).toBe(200);
    expect((await res.json()).incidents[0].name).toBe('Still visible');
    expect((await t.app.request('/healthz')).status).toBe(503);
    const write = await t.call('POST', '/api/admin/incidents', makeIncident());
    expect(write.status).toBe(503);
    expect(write.json.error.code).toBe('database_unavailable');
  });
});

describe('the snapshot on disk', () => {
  it('writes files for any static host and loads them back after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-snapshot-'));
    const snapshot = new Snapshot(dir);
    const now = new Date('2026-03-10T12:00:00Z');
    await snapshot.put(
      new Map([
        ['/', '<h1>ok</h1>'],
        ['/incidents/INC-1', '<h1>one</h1>'],
        ['/feed.xml', '<rss/>'],
      ]),
      now,
    );
    await snapshot.flushed();
    expect(readFileSync(join(dir, 'incidents', 'INC-1', 'index.html'), 'utf8')).toBe('<h1>one</h1>');
    expect(readdirSync(dir).some((f) => f.includes('.tmp-'))).toBe(false);
    const restarted = new Snapshot(dir);
    expect(await restarted.loadFromDisk()).toBe(3);
    expect(restarted.get('/incidents/INC-1')?.body.toString()).toBe('<h1>one</h1>');
    expect(restarted.get('/')?.etag).toBe(snapshot.get('/')?.etag);
    // Compressed copies sit beside each file for static hosts, and are reused after a restart.
    expect(brotliDecompressSync(readFileSync(join(dir, 'index.html.br'))).toString()).toBe('<h1>ok</h1>');
    expect(gunzipSync(readFileSync(join(dir, 'feed.xml.gz'))).toString()).toBe('<rss/>');
    expect(restarted.get('/')?.br.equals(readFileSync(join(dir, 'index.html.br')))).toBe(true);
  });

  it('recompresses a file whose compressed copies no longer match it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-snapshot-'));
    const first = new Snapshot(dir);
    await first.put(new Map([['/', '<h1>old</h1>']]), new Date('2026-03-10T12:00:00Z'));
    await first.flushed();
    writeFileSync(join(dir, 'index.html'), '<h1>edited by hand</h1>');
    const restarted = new Snapshot(dir);
    await restarted.loadFromDisk();
    expect(brotliDecompressSync(restarted.get('/')!.br).toString()).toBe('<h1>edited by hand</h1>');
  });

  it('counts its files and their bytes without reading archive pages from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-snapshot-'));
    const files = new Map([
      ['/', '<h1>ok</h1>'],
      ['/incidents/INC-1', '<h1>one</h1>'],
      ['/history/2026/03', '<h1>March</h1>'],
      ['/feed.xml', '<rss/>'],
    ]);
    const bytes = [...files.values()].reduce((sum, body) => sum + Buffer.byteLength(body), 0);
    const snapshot = new Snapshot(dir);
    await snapshot.put(files, new Date('2026-03-10T12:00:00Z'));
    expect(snapshot.stats()).toEqual({ files: 4, bytes });
    await snapshot.flushed();
    const restarted = new Snapshot(dir);
    await restarted.loadFromDisk();
    // Archive pages stay on disk; their sizes were noted when the directory was read, so
    // counting them reads nothing (a page gone from disk since is still counted).
    rmSync(join(dir, 'incidents', 'INC-1', 'index.html'));
    rmSync(join(dir, 'history', '2026', '03', 'index.html'));
    expect(restarted.stats()).toEqual({ files: 4, bytes });
  });

  it('rewrites an archive page only when its bytes change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-snapshot-'));
    const snapshot = new Snapshot(dir);
    await snapshot.put(new Map([['/incidents/INC-1', '<h1>one</h1>']]), new Date('2026-03-10T12:00:00Z'));
    await snapshot.flushed();
    expect(await snapshot.put(new Map([['/incidents/INC-1', '<h1>one</h1>']]), new Date('2026-03-10T13:00:00Z'))).toEqual([]);
    expect(await snapshot.put(new Map([['/incidents/INC-1', '<h1>two</h1>']]), new Date('2026-03-10T14:00:00Z'))).toEqual(['/incidents/INC-1']);
    expect(await snapshot.put(new Map([['/incidents/INC-1', '<h1>three</h1>']]), new Date('2026-03-10T15:00:00Z'))).toEqual(['/incidents/INC-1']);
    await snapshot.flushed();
    expect(readFileSync(join(dir, 'incidents', 'INC-1', 'index.html'), 'utf8')).toBe('<h1>three</h1>');
    expect(snapshot.stats().bytes).toBe(Buffer.byteLength('<h1>three</h1>'));
  });

  it('keeps the bytes it decompressed for clients that take no compression, within a memory bound', async () => {
    const snapshot = new Snapshot(null);
    // Twelve pages of 1 MiB each: more than the bound holds uncompressed.
    const pages = new Map(Array.from({ length: 12 }, (_, i) => [`/big/${i}`, `<p>${String.fromCharCode(97 + i).repeat(1024 * 1024)}</p>`]));
    await snapshot.put(pages, new Date('2026-03-10T12:00:00Z'), 'fast');
    const first = snapshot.get('/big/0')!;
    const kept = first.body;
    expect(first.body).toBe(kept);
    for (const path of pages.keys()) expect(snapshot.get(path)!.body.length).toBe(Buffer.byteLength(pages.get(path)!));
    // The oldest was let go to stay within the bound: decompressed again, the same bytes.
    expect(first.body).not.toBe(kept);
    expect(first.body.equals(kept)).toBe(true);
  });

  it('leaves unchanged files and their validators alone', async () => {
    const snapshot = new Snapshot(null);
    await snapshot.put(
      new Map([
        ['/', 'a'],
        ['/history', 'b'],
      ]),
      new Date('2026-03-10T12:00:00Z'),
    );
    const changed = await snapshot.put(
      new Map([
        ['/', 'a'],
        ['/history', 'c'],
      ]),
      new Date('2026-03-10T13:00:00Z'),
    );
    expect(changed).toEqual(['/history']);
    expect(snapshot.get('/')?.lastModified.toISOString()).toBe('2026-03-10T12:00:00.000Z');
  });
});
