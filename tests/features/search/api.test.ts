/**
 * Search: a plain GET form whose URL is the search — on the desk for every incident, on the
 * public site for the published ones and every maintenance window — read from a full-text
 * index (FTS5) that nothing typed can turn into search syntax, by words or by reference; and
 * the short link /i/42.
 */
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createToken } from '../../../api/features/access/tokens.ts';
import { loadAstroRenderer } from '../../../api/site/astro-renderer.ts';
import type { PageRenderer } from '../../../api/site/publisher.ts';
import { makeIncident, makeMaintenance, makePastMaintenance, makeUpdate } from '../../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../../support/app.ts';
import { ROOT } from '../../support/server.ts';
import { alertmanagerSample } from '../drafts/samples.ts';

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
  await declare({
    title: 'Slow search results',
    severity: 'P3',
    services: [{ slug: 'search', status: 'degraded_performance' }],
    message: 'Results take 50%_longer than usual. Élevé latency near the index.',
  }); // INC-2, 11 March
  await declare({ title: 'Login errors', severity: 'P1', services: [{ slug: 'auth', status: 'partial_outage' }] }); // INC-3, 12 March
  await t.call('POST', '/api/admin/incidents/INC-3/updates', makeUpdate({ message: 'The payments provider recovered.' }));
});

const results = (html: string) => [...html.matchAll(/<a href="\/(?:admin\/)?(?:incidents|maintenance)\/((?:INC|MNT)-\d+)">/g)].map((m) => m[1]);
const publicSearch = async (query: string) => {
  const res = await t.app.request(`/search?${query}`);
  return { status: res.status, html: await res.text(), headers: res.headers };
};
const q = (text: string) => `q=${encodeURIComponent(text)}`;

describe('the public search', () => {
  it.each([
    ['words in a title', 'q=checkout', ['INC-1']],
    ['words in any update, newest incident first', 'q=payments', ['INC-3', 'INC-1']],
    ['the start of a word', 'q=chec', ['INC-1']],
    ['every word typed, in any order', q('failing checkout'), ['INC-1']],
    ['words without their accents, in any case', q('ELEVE'), ['INC-2']],
    ['a reference', 'ref=INC-2', ['INC-2']],
    ['a bare number as a reference', 'ref=2', ['INC-2']],
    ['a service', 'service=auth', ['INC-3']],
    ['an impact (severity)', 'severity=P3', ['INC-2']],
    ['a date range, both days included', 'from=2026-03-11&to=2026-03-12', ['INC-3', 'INC-2']],
    ['everything at once', 'q=payments&service=api&severity=P0&from=2026-03-10&to=2026-03-10', ['INC-1']],
    ['LIKE wildcards read as nothing but the word beside them', q('50%_'), ['INC-2']],
    ['a % alone matching nothing', q('%%%'), []],
  ])('finds incidents by %s', async (_name, query, expected) => {
    const { status, html } = await publicSearch(query);
    expect(status).toBe(200);
    expect(results(html)).toEqual(expected);
  });

  // Each expectation is what the typed words find as plain words; read as syntax, each would find something else.
  it.each([
    ['a double quote', 'checkout"', ['INC-1']],
    ['unbalanced quotes', '"checkout', ['INC-1']],
    ['a star', 'check*', ['INC-1']],
    ['a star alone', '*', []],
    ['NEAR', 'NEAR(checkout payments)', []],
    ['a leading minus', '-payments checkout', ['INC-1']],
    ['OR', 'checkout OR login', []],
    ['NOT', 'payments NOT login', []],
    ['AND with a bracket left open', '(checkout) AND (payments', []],
    ['a column filter', 'title:checkout', []],
    ['a column set', '{title internal}: checkout', []],
    ['a column filter reaching for the commander', 'internal:sam', []],
    ['a caret', '^checkout', ['INC-1']],
    ['a plus', 'checkout + payments', ['INC-1']],
  ])('reads %s as plain words, never as search syntax', async (_name, typed, expected) => {
    const { status, html } = await publicSearch(q(typed));
    expect(status).toBe(200);
    expect(results(html)).toEqual(expected);
  });

  it('finds the word NEAR as a word', async () => {
    expect(results((await publicSearch(q('near index'))).html)).toEqual(['INC-2']);
    expect(results((await publicSearch(q('NEAR index'))).html)).toEqual(['INC-2']);
  });

  it.each([
    ['INC-2', ['INC-2']],
    ['inc-2', ['INC-2']],
    ['INC2', ['INC-2']],
    ['#2', ['INC-2']],
    ['2', ['INC-2']],
    ['(INC-3),', ['INC-3']],
    ['INC-3 INC-1', ['INC-3', 'INC-1']],
  ])('finds a reference pasted into the words: %s', async (typed, expected) => {
    const { status, html } = await publicSearch(q(typed));
    expect(status).toBe(200);
    expect(results(html)).toEqual(expected);
  });

  it('lists the incident a reference names first, then those its other words find', async () => {
    expect(results((await publicSearch(q('INC-1 login'))).html)).toEqual(['INC-1', 'INC-3']);
  });

  it('finds completed maintenance by its words and by MNT-N, linking to its page', async () => {
    await makePastMaintenance(t, {
      title: 'Storage migration',
      message: 'Moving the object store to new disks.',
      scheduledFor: '2026-03-12T22:00:00.000Z',
      scheduledUntil: '2026-03-12T23:00:00.000Z',
      services: ['api'],
    });
    await t.herald.maintenance.tick();
    expect((await t.call('GET', '/api/admin/maintenance/MNT-1')).json.status).toBe('completed');
    for (const typed of ['storage', 'disks', 'MNT-1', 'mnt-1']) {
      const { status, html } = await publicSearch(q(typed));
      expect(status, typed).toBe(200);
      expect(results(html), typed).toEqual(['MNT-1']);
      expect(html).toContain('<a href="/maintenance/MNT-1">Storage migration</a>');
    }
    expect(results((await publicSearch('ref=MNT-1')).html)).toEqual(['MNT-1']);
    // A bare number names both an incident and a window.
    expect(results((await publicSearch(q('1'))).html)).toEqual(['INC-1', 'MNT-1']);
    // A window has services, but no severity: a search by impact leaves it out.
    expect(results((await publicSearch('service=api')).html)).toEqual(['MNT-1', 'INC-1']);
    expect(results((await publicSearch('service=api&severity=P0')).html)).toEqual(['INC-1']);
    expect(t.snapshot.get('/maintenance/MNT-1')?.body.toString()).toContain('Storage migration');
  });

  it('finds an upcoming window too', async () => {
    expect(
      (
        await t.call(
          'POST',
          '/api/admin/maintenance',
          makeMaintenance({ title: 'Network upgrade', scheduledFor: '2026-03-20T22:00:00.000Z', scheduledUntil: '2026-03-20T23:00:00.000Z' }),
        )
      ).status,
    ).toBe(201);
    expect(results((await publicSearch(q('network upgrade'))).html)).toEqual(['MNT-1']);
  });

  it('finds a corrected update by its new words, not its old ones', async () => {
    const incident = (await t.call('GET', '/api/admin/incidents/INC-3')).json;
    const update = incident.updates.find((u: { message: string }) => u.message.includes('payments provider'));
    expect((await t.call('PATCH', `/api/admin/incidents/INC-3/updates/${update.id}`, { message: 'The identity provider recovered.' })).status).toBe(200);
    expect(results((await publicSearch(q('identity'))).html)).toEqual(['INC-3']);
    expect(results((await publicSearch(q('payments'))).html)).toEqual(['INC-1']);
  });

  it('never finds a draft, by words or by its reference, until it is released', async () => {
    const intake = (await createToken(t.db, 'prometheus', t.clock.now(), 'intake')).token;
    expect((await t.call('POST', '/api/intake/alertmanager', alertmanagerSample(), intake)).json.incident).toBe('INC-4');
    expect(results((await publicSearch(q('BlackBox'))).html)).toEqual([]);
    expect(results((await publicSearch(q('INC-4'))).html)).toEqual([]);
    expect(results((await publicSearch('ref=INC-4')).html)).toEqual([]);
    expect(
      (await t.call('POST', '/api/admin/incidents/INC-4/publish', { status: 'investigating', message: 'Some pages are slow.', title: 'Slow pages' })).status,
    ).toBe(201);
    expect(results((await publicSearch(q('INC-4'))).html)).toEqual(['INC-4']);
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
    expect(html).toContain('a reference looks like INC-42 or MNT-7');
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
    // Sixty-one match "incident": the newest fifty are shown, and the page says there are more.
    const many = await publicSearch(q('routine'));
    expect(results(many.html)).toHaveLength(50);
    expect(results(many.html)[0]).toBe('INC-63');
    expect(many.html).toContain('60 matches');
    expect(many.html).toContain('The newest 50 are shown');
  });

  it('shows only the form before anything is asked', async () => {
    const { status, html } = await publicSearch('');
    expect(status).toBe(200);
    expect(html).not.toContain('id="results"');
  });

  it('refuses to be framed by another site, as every page does', async () => {
    for (const query of ['q=checkout', '', 'ref=nope']) {
      const { headers } = await publicSearch(query);
      expect(headers.get('content-security-policy'), query).toMatch(/frame-ancestors 'none'/);
    }
  });
});

describe('the public search, kept until the next publish', () => {
  it('shows what a publish changed as soon as it is published', async () => {
    expect(results((await publicSearch(q('database'))).html)).toEqual([]);
    expect((await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Database failover' }))).status).toBe(201);
    expect(results((await publicSearch(q('database'))).html)).toEqual(['INC-4']);
  });

  it('answers a search asked before while the database is away, and says search is away for a new one', async () => {
    const before = await publicSearch(q('checkout'));
    t.db.close();
    const again = await publicSearch(q('checkout'));
    expect(again.status).toBe(200);
    expect(again.html).toBe(before.html);
    const fresh = await publicSearch(q('login'));
    expect(fresh.status).toBe(503);
    expect(fresh.headers.get('retry-after')).toBe('30');
    expect(fresh.html).toContain('Search is unavailable right now');
    expect(fresh.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('the public search under a flood from one address', () => {
  it('answers 429 with Retry-After past 20 searches a minute, as a page, and searches again a minute later', async () => {
    // The same search each time: kept after the first, it costs a lookup, and still counts.
    for (let i = 0; i < 20; i++) expect((await publicSearch(q('checkout'))).status).toBe(200);
    const refused = await publicSearch(q('checkout'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(60);
    expect(refused.html).toContain('Too many searches from your address');
    expect(refused.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    t.clock.advance(30_000);
    expect(Number((await publicSearch(q('checkout'))).headers.get('retry-after'))).toBe(30);
    t.clock.advance(30_000);
    expect((await publicSearch(q('checkout'))).status).toBe(200);
    expect(await (await t.app.request('/metrics')).text()).toMatch(/herald_search_refused_total\{reason="throttled"\} 2/);
  });
});

describe('the short link', () => {
  it.each([
    ['/i/42', '/incidents/INC-42'],
    ['/i/1', '/incidents/INC-1'],
  ])('redirects %s permanently to %s', async (path, location) => {
    const res = await t.app.request(path);
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(location);
  });

  it.each(['/i/0', '/i/abc', '/i/-1', '/i/01'])('is not a short link: %s', async (path) => {
    expect((await t.app.request(path)).status).toBe(404);
  });
});
