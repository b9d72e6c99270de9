/**
 * Search: a plain GET form whose URL is the search — on the desk for every incident, on the
 * public site for the published ones — and the short link /i/42.
 */
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { likeAnywhere } from '../../../api/features/search/store.ts';
import { loadAstroRenderer } from '../../../api/site/astro-renderer.ts';
import type { PageRenderer } from '../../../api/site/publisher.ts';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../../support/app.ts';
import { ROOT } from '../../support/server.ts';

let renderPage: PageRenderer;
let t: TestApp;
beforeAll(async () => {
  renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
});
beforeEach(async () => {
  t = await makeTestApp({ renderPage });
  const declare = async (overrides: Parameters<typeof makeIncident>[0]) => {
    expect((await t.call('POST', '/api/admin/incidents', makeIncident(overrides))).status).toBe(201);
    t.clock.advance(24 * 3600_000);
  };
  await declare({ title: 'Checkout payments failing', severity: 'P0', services: [{ slug: 'api', status: 'major_outage' }], commander: 'Sam Lee' }); // INC-1, 10 March
  await declare({ title: 'Slow search results', severity: 'P3', services: [{ slug: 'search', status: 'degraded_performance' }], message: 'Results take 50%_longer than usual.' }); // INC-2, 11 March
  await declare({ title: 'Login errors', severity: 'P1', services: [{ slug: 'auth', status: 'partial_outage' }] }); // INC-3, 12 March
  await t.call('POST', '/api/admin/incidents/INC-3/updates', makeUpdate({ message: 'The payments provider recovered.' }));
});

const results = (html: string) => [...html.matchAll(/<a href="\/(?:admin\/)?incidents\/(INC-\d+)">/g)].map((m) => m[1]);
const publicSearch = async (query: string) => {
  const res = await t.app.request(`/search?${query}`);
  return { status: res.status, html: await res.text() };
};

describe('the public search', () => {
  it.each([
    ['words in a title', 'q=checkout', ['INC-1']],
    ['words in any update, newest incident first', 'q=payments', ['INC-3', 'INC-1']],
    ['a reference', 'ref=INC-2', ['INC-2']],
    ['a bare number as a reference', 'ref=2', ['INC-2']],
    ['a service', 'service=auth', ['INC-3']],
    ['an impact (severity)', 'severity=P3', ['INC-2']],
    ['a date range, both days included', 'from=2026-03-11&to=2026-03-12', ['INC-3', 'INC-2']],
    ['everything at once', 'q=payments&service=api&severity=P0&from=2026-03-10&to=2026-03-10', ['INC-1']],
    ['LIKE wildcards taken literally', `q=${encodeURIComponent('50%_')}`, ['INC-2']],
    ['a % alone matching nothing it should not', `q=${encodeURIComponent('%%%')}`, []],
  ])('finds incidents by %s', async (_name, query, expected) => {
    const { status, html } = await publicSearch(query);
    expect(status).toBe(200);
    expect(results(html)).toEqual(expected);
  });

  it('keeps what was searched in the form, so the URL is the search to share', async () => {
    const { html } = await publicSearch('q=payments&severity=P0');
    expect(html).toContain('<form method="get" action="/search"');
    expect(html).toMatch(/<input id="s-q" type="search" name="q" value="payments"/);
    expect(html).toMatch(/<option value="P0" selected/);
  });

  it('never searches or shows the commander', async () => {
    expect(results((await publicSearch('q=Sam%20Lee')).html)).toEqual([]);
    expect((await publicSearch('q=checkout')).html).not.toContain('Sam Lee');
  });

  it('names a bad field and shows no results', async () => {
    const { status, html } = await publicSearch('ref=nope&from=2026-03-12&to=2026-03-10');
    expect(status).toBe(400);
    expect(html).toContain('an incident reference looks like INC-42');
    expect(html).toContain('must not be before the first day');
    expect(results(html)).toEqual([]);
  });

  it('finds an incident from long ago, past what the live pages hold', async () => {
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Payments work again.' }));
    // Sixty newer incidents over two months: INC-1 is neither recent nor among the newest 50.
    for (let i = 0; i < 60; i++) {
      t.clock.advance(24 * 3600_000);
      expect((await t.call('POST', '/api/admin/incidents', makeIncident({ title: `Routine incident ${i}` }))).status).toBe(201);
    }
    expect(results((await publicSearch('q=checkout')).html)).toEqual(['INC-1']);
    expect(results((await publicSearch('ref=INC-1')).html)).toEqual(['INC-1']);
  });

  it('shows only the form before anything is asked', async () => {
    const { status, html } = await publicSearch('');
    expect(status).toBe(200);
    expect(html).not.toContain('id="results"');
  });
});

describe('likeAnywhere', () => {
  it.each([
    ['plain', 'api', '%api%'],
    ['percent', '50%', '%50\\%%'],
    ['underscore', 'a_b', '%a\\_b%'],
    ['backslash', 'a\\b', '%a\\\\b%'],
  ])('escapes %s', (_name, text, pattern) => expect(likeAnywhere(text)).toBe(pattern));
});

describe('the short link', () => {
  it.each([['/i/42', '/incidents/INC-42'], ['/i/1', '/incidents/INC-1']])('redirects %s permanently to %s', async (path, location) => {
    const res = await t.app.request(path);
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(location);
  });

  it.each(['/i/0', '/i/abc', '/i/-1', '/i/01'])('is not a short link: %s', async (path) => {
    expect((await t.app.request(path)).status).toBe(404);
  });
});
