/**
 * What other sites embed — the status badges, /embed and /widget.js — published with the
 * snapshot, republished when the status changes, and served like every published file
 * (cacheable, validators, CORS for the files read cross-origin) but for framing: /embed is the
 * one page other sites may frame.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { policyOf } from '../../api/platform/http/csp.ts';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const body = (path: string) => t.snapshot.get(path)?.body.toString() ?? '';
const titleOf = (svg: string) => /<title>([^<]*)<\/title>/.exec(svg)?.[1];
const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });
const directives = (policy: string) =>
  new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name as string, values]),
  );

describe('status badges in the snapshot', () => {
  it('publishes a badge for the page and for every service, as cacheable SVG', async () => {
    expect(titleOf(body('/badge.svg'))).toBe('status: operational');
    expect(titleOf(body('/services/api/badge.svg'))).toBe('Public API: operational');
    expect(titleOf(body('/services/web-app/badge.svg'))).toBe('Web app: operational');
    const res = await get('/services/api/badge.svg', { 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('cache-control')).toBe((await get('/api/v2/summary.json')).headers.get('cache-control'));
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const etag = res.headers.get('etag') as string;
    expect((await get('/services/api/badge.svg', { 'if-none-match': etag })).status).toBe(304);
  });

  it('republishes the badges when a status changes, and only the badges whose status changed', async () => {
    const before = {
      page: t.snapshot.get('/badge.svg')?.etag,
      api: t.snapshot.get('/services/api/badge.svg')?.etag,
      web: t.snapshot.get('/services/web-app/badge.svg')?.etag,
    };
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P0', services: [{ slug: 'api', status: 'major_outage' }] }));
    expect(titleOf(body('/badge.svg'))).toBe('status: major outage');
    expect(titleOf(body('/services/api/badge.svg'))).toBe('Public API: major outage');
    expect(titleOf(body('/services/web-app/badge.svg'))).toBe('Web app: operational');
    expect(t.snapshot.get('/badge.svg')?.etag).not.toBe(before.page);
    expect(t.snapshot.get('/services/api/badge.svg')?.etag).not.toBe(before.api);
    expect(t.snapshot.get('/services/web-app/badge.svg')?.etag).toBe(before.web);

    await t.call(
      'POST',
      '/api/admin/incidents/INC-1/updates',
      makeUpdate({ status: 'resolved', message: 'Fixed.', services: [{ slug: 'api', status: 'operational' }] }),
    );
    expect(titleOf(body('/badge.svg'))).toBe('status: operational');
    expect(titleOf(body('/services/api/badge.svg'))).toBe('Public API: operational');
  });
});

describe('/embed', () => {
  it('shows the overall status, and each open incident with a link to its page and its latest status', async () => {
    expect(body('/embed')).toContain('All Systems Operational');
    expect(body('/embed')).not.toContain('<ul>');
    await t.call(
      'POST',
      '/api/admin/incidents',
      makeIncident({ title: 'Slow <b>logins</b> & "timeouts"', severity: 'P2', services: [{ slug: 'auth', status: 'degraded_performance' }] }),
    );
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'monitoring', message: 'Watching.' }));
    const html = body('/embed');
    expect(html).toContain('Minor Service Outage');
    expect(html).toContain(`<a href="${PUBLIC_URL}/incidents/INC-1" target="_top">Slow &lt;b&gt;logins&lt;/b&gt; &amp; &quot;timeouts&quot;</a>`);
    expect(html).toContain('Monitoring, updated 10 Mar 2026 12:00 UTC');

    await t.call(
      'POST',
      '/api/admin/incidents/INC-1/updates',
      makeUpdate({ status: 'resolved', message: 'Fixed.', services: [{ slug: 'auth', status: 'operational' }] }),
    );
    expect(body('/embed')).toContain('All Systems Operational');
    expect(body('/embed')).not.toContain('INC-1');
  });

  it('lists the worst incident first and sends the rest to the status page past three', async () => {
    for (const [title, severity] of [
      ['Low one', 'P3'],
      ['Critical one', 'P0'],
      ['Minor one', 'P2'],
      ['Major one', 'P1'],
    ] as const) {
      await t.call('POST', '/api/admin/incidents', makeIncident({ title, severity }));
    }
    const html = body('/embed');
    const order = ['Critical one', 'Major one', 'Minor one'].map((title) => html.indexOf(title));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > (order[i - 1] as number)))).toBe(true);
    expect(html).not.toContain('Low one');
    expect(html).toContain(`<a href="${PUBLIC_URL}/" target="_top">and 1 more open incident</a>`);
  });

  it('carries a policy that allows its own stylesheet and nothing else, and no script at all', () => {
    const html = body('/embed');
    expect(html).not.toMatch(/<script|<img|<link|<iframe|\son\w+=/i);
    const d = directives(policyOf(html));
    expect(d.get('default-src')).toEqual(["'none'"]);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(d.get('style-src')).toEqual([`'sha256-${createHash('sha256').update(style).digest('base64')}'`]);
    expect(d.has('script-src')).toBe(false);
    expect(style).toContain('prefers-color-scheme:dark');
  });

  it('may be framed by other sites, with its own policy sent as a header', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident());
    const embed = await get('/embed');
    expect(embed.status).toBe(200);
    expect(embed.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(embed.headers.get('set-cookie')).toBeNull();
    const policy = directives(embed.headers.get('content-security-policy') ?? '');
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.has('frame-ancestors')).toBe(false);
    expect(embed.headers.get('x-frame-options')).toBeNull();
    // Every other page refuses it: tests/security/csp.test.ts.
  });
});

describe('/widget.js', () => {
  it('is published small (5 KB at most), as JavaScript any site may load', async () => {
    const script = t.snapshot.get('/widget.js');
    expect(script?.body.length).toBeGreaterThan(500);
    expect(script?.body.length).toBeLessThanOrEqual(5 * 1024);
    const res = await get('/widget.js');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toMatch(/^public/);
  });

  it('reads the summary JSON, which any origin may fetch without credentials', async () => {
    expect(body('/widget.js')).toContain("'/api/v2/summary.json'");
    expect(body('/widget.js')).toContain("credentials: 'omit'");
    const res = await get('/api/v2/summary.json', { origin: 'http://elsewhere.example' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
