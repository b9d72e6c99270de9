/**
 * The proof that every word customers read goes through the message catalogue: the site is
 * published in a pseudo-language whose catalogue wraps each English message in ⟦…⟧, and what
 * is left of each page once the wrapped parts are taken out holds no English message.
 * Pages come from the built Astro bundle (`npm run build`).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMessages } from '../../api/platform/content.ts';
import { ENGLISH_CATALOGUE, messageKeys } from '../../api/shared/messages.ts';
import { loadMailTemplates } from '../../api/features/notices/mail-templates.ts';
import { loadAstroRenderer } from '../../api/site/astro-renderer.ts';
import { HOME_BARS_MAX_SERVICES } from '../../api/site/model.ts';
import type { PageRenderer } from '../../api/site/publisher.ts';
import type { SubscriptionView } from '../../api/features/subscribers/schemas.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../support/app.ts';
import { makeIncident, makeMaintenance, makeUpdate } from '../support/factories.ts';
import { contentIn, pseudoCatalogue } from '../support/messages.ts';
import { ROOT } from '../support/server.ts';

const PSEUDO = 'en-XA';

/** The text a reader gets from markup: element text and the attributes that are read out or shown. */
function readable(markup: string): string {
  const attributes = [...markup.matchAll(/\s(?:aria-label|title|placeholder|alt|content|data-words)="([^"]*)"/g)].map((m) => m[1]);
  const text = markup
    .replace(/<!\[CDATA\[|\]\]>/g, ' ')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    // A feed's links are element text: addresses, not words.
    .replace(/https?:\/\/\S+/g, ' ');
  return [text, ...attributes]
    .join(' \n ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** What is left once every ⟦…⟧ (nested ones too: a duration inside a sentence) is taken out. */
function untranslated(text: string): string {
  let rest = text;
  for (let before = ''; before !== rest; ) [before, rest] = [rest, rest.replace(/⟦[^⟦⟧]*⟧/g, ' ')];
  return rest;
}

/** The English pieces of every message (the words between placeholders) worth looking for: each holds a word. */
const ENGLISH_PIECES = [
  ...new Set(
    messageKeys()
      .flatMap((key) => {
        const value = ENGLISH_CATALOGUE[key];
        return typeof value === 'string' ? [value] : Object.values(value ?? {});
      })
      .flatMap((text) => text.split(/\{\w+\}/))
      .map((piece) => piece.trim().replace(/^[·:,.()—→\s]+|[·:,.()—→\s]+$/g, ''))
      .filter((piece) => /[A-Za-z]{2,}/.test(piece)),
  ),
];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The English pieces found in `text`, as whole words. */
const englishIn = (text: string): string[] => ENGLISH_PIECES.filter((piece) => new RegExp(`(?<![A-Za-z])${escapeRegExp(piece)}(?![A-Za-z])`).test(text));

describe(`the site in a pseudo-language (${PSEUDO}: each message wrapped in ⟦…⟧)`, () => {
  let t: TestApp;
  let dir: string;
  let renderPage: PageRenderer;
  const file = (path: string) => t.snapshot.get(path)?.body.toString() ?? '';

  beforeAll(async () => {
    dir = contentIn(PSEUDO, pseudoCatalogue());
    renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
    t = await makeTestApp({ renderPage, env: { CONTENT_DIR: dir } });
    const created = await t.call(
      'POST',
      '/api/admin/incidents',
      makeIncident({ title: 'Zibble zonk', message: 'Zibble **wonk**.', impact: 'Zonkish.', commander: 'Qix' }),
    );
    expect(created.status).toBe(201);
    t.clock.advance(20 * 60_000);
    await t.call(
      'POST',
      '/api/admin/incidents/INC-1/updates',
      makeUpdate({ message: 'Zibble fixolated.', services: [{ slug: 'api', status: 'degraded_performance' }], eta: '2026-03-10T18:00:00.000Z' }),
    );
    // A resolved one too, for "resolved … after …", a duration and the history.
    await t.call(
      'POST',
      '/api/admin/incidents',
      makeIncident({ title: 'Quibble', severity: 'P2', message: 'Quib.', impact: 'Quibs.', services: [{ slug: 'database', status: 'major_outage' }] }),
    );
    t.clock.advance(65 * 60_000);
    await t.call('POST', '/api/admin/incidents/INC-2/updates', {
      status: 'resolved',
      message: 'Quib quib.',
      services: [{ slug: 'database', status: 'operational' }],
      rootCause: 'Quibbles.',
    });
    // Four open incidents overflow the embed's list ("and 1 more").
    for (const title of ['Zap', 'Zep', 'Zop']) await t.call('POST', '/api/admin/incidents', makeIncident({ title, message: 'Zz.', impact: 'Zz.' }));
    // Maintenance in progress and maintenance to come.
    await t.call(
      'POST',
      '/api/admin/maintenance',
      makeMaintenance({
        title: 'Vexil vork',
        message: 'Vork.',
        services: ['database'],
        scheduledFor: '2026-03-11T02:00:00.000Z',
        scheduledUntil: '2026-03-11T03:00:00.000Z',
      }),
    );
    await t.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Blorp bork', message: 'Bork.', services: ['api'] }));
    await t.call('POST', '/api/admin/maintenance/MNT-2/updates', { status: 'in_progress', message: 'Borking.' });
    // One the scheduler starts and that is then extended, both in Herald's own words; one called off.
    const soon = (minutes: number) => new Date(t.clock.now().getTime() + minutes * 60_000).toISOString();
    await t.call(
      'POST',
      '/api/admin/maintenance',
      makeMaintenance({ title: 'Vexil vonk', message: 'Vonk.', services: ['database'], scheduledFor: soon(1), scheduledUntil: soon(60) }),
    );
    t.clock.advance(2 * 60_000);
    await t.herald.maintenance.tick();
    expect((await t.call('POST', '/api/admin/maintenance/MNT-3/extend', { scheduledUntil: soon(120) })).status).toBe(201);
    await t.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Blorp bonk', message: 'Bonk.', services: ['api'] }));
    await t.call('POST', '/api/admin/maintenance/MNT-4/updates', { status: 'completed', message: 'Bonked.' });
    await t.publisher.publish('all');
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('finds the wrapped words on the page at all (the check below could fail)', () => {
    const home = readable(file('/'));
    expect(home).toContain(`⟦${ENGLISH_CATALOGUE['home.active']}⟧`);
    expect(englishIn(home.replace(/⟦|⟧/g, ''))).toContain(ENGLISH_CATALOGUE['home.active']);
    // Herald's own timeline entries were written in the language too.
    const started = readable(file('/maintenance/MNT-3'));
    expect(started).toContain(`⟦${ENGLISH_CATALOGUE['maintenance.auto.in_progress']}⟧`);
    expect(started).toContain('⟦The maintenance window has been extended');
  });

  it.each([
    ['the home page', '/'],
    ['an open incident', '/incidents/INC-1'],
    ['a resolved incident', '/incidents/INC-2'],
    ['a service', '/services/api'],
    ['another service', '/services/database'],
    ['a maintenance window', '/maintenance/MNT-2'],
    ['a window started and extended by Herald', '/maintenance/MNT-3'],
    ['a window called off', '/maintenance/MNT-4'],
    ['the history', '/history'],
    ['a month of history', '/history/2026/03'],
    ['the not-found page', '/404.html'],
    ['the feed', '/feed.xml'],
    ['a service feed', '/services/api/feed.xml'],
    ['the Atom feed', '/feed.atom'],
    ['a service Atom feed', '/services/database/feed.atom'],
    ['the embed', '/embed'],
    ['the status badge', '/badge.svg'],
    ['a service badge', '/services/database/badge.svg'],
  ])('leaves no English message on %s (%s)', (_, path) => {
    const body = file(path);
    expect(body.length).toBeGreaterThan(0);
    expect(englishIn(untranslated(readable(body)))).toEqual([]);
  });

  it('says which language the pages, the embed and the feed are in', () => {
    expect(file('/')).toContain(`<html lang="${PSEUDO}"`);
    expect(file('/embed')).toContain(`<html lang="${PSEUDO}"`);
    expect(file('/feed.xml')).toContain(`<language><![CDATA[${PSEUDO}]]></language>`);
  });

  it('gives the widget and the Statuspage JSON the catalogue’s words', () => {
    const words = JSON.parse(/const words = (\{[^}]*\});/.exec(file('/widget.js'))?.[1] ?? '{}') as Record<string, string>;
    expect(Object.keys(words).length).toBeGreaterThan(0);
    for (const word of Object.values(words)) expect(word).toMatch(/^⟦.*⟧$/);
    expect((JSON.parse(file('/api/v2/summary.json')) as { status: { description: string } }).status.description).toMatch(/^⟦.*⟧$/);
  });

  it('renders the search and the subscription pages in it', async () => {
    const found = await (await t.app.request('/search?q=zibble')).text();
    expect(found).toContain('Zibble zonk');
    expect(englishIn(untranslated(readable(found)))).toEqual([]);
    const refused = await t.app.request('/search?ref=nonsense&from=nonsense');
    expect(refused.status).toBe(400);
    expect(englishIn(untranslated(readable(await refused.text())))).toEqual([]);
    const invalid = await t.app.request('/subscribe/confirm/not-a-token', { headers: { accept: 'text/html' } });
    expect(invalid.status).toBe(404);
    expect(englishIn(untranslated(readable(await invalid.text())))).toEqual([]);
  });

  it('answers in it without the built site too (one line of text)', async () => {
    const bare = await makeTestApp({ env: { CONTENT_DIR: dir } });
    const invalid = await bare.app.request('/subscribe/confirm/not-a-token', { headers: { accept: 'text/html' } });
    expect(invalid.status).toBe(404);
    expect(await invalid.text()).toBe(`⟦${ENGLISH_CATALOGUE['subscription.plain.invalid']}⟧`);
  });

  it.each([
    { page: 'sent' },
    { page: 'confirm', token: 'x' },
    { page: 'confirmed', email: 'zz@example.com', state: 'confirmed' },
    { page: 'manage', token: 'x', email: 'zz@example.com', state: 'pending', services: ['api'] },
    { page: 'saved', token: 'x', email: 'zz@example.com', state: 'confirmed', services: null },
    { page: 'manage', token: 'x', email: 'zz@example.com', state: 'unsubscribed', services: null },
    { page: 'unsubscribe', token: 'x', email: 'zz@example.com', state: 'confirmed' },
    { page: 'unsubscribe', token: 'x', email: 'zz@example.com', state: 'unsubscribed' },
    { page: 'unsubscribed', email: 'zz@example.com', state: 'unsubscribed' },
    { page: 'unsubscribed' },
  ] satisfies SubscriptionView[])('leaves no English message on the subscription page %o', async (subscription) => {
    const model = t.publisher.current();
    if (!model) throw new Error('nothing published');
    const html = await renderPage('/subscription', model, { subscription });
    expect(html).toContain('⟦');
    expect(englishIn(untranslated(readable(html)))).toEqual([]);
  });

  it('fills subscriber mail with it', () => {
    const templates = loadMailTemplates(dir, loadMessages(dir, PSEUDO));
    const values = <K extends string>(names: readonly K[]) => Object.fromEntries(names.map((n) => [n, 'Zz'])) as Record<K, string>;
    const mails = [templates.incident, templates.confirm, templates.welcome].map((template) => {
      const vars = values([
        'siteTitle',
        'title',
        'ref',
        'statusLabel',
        'severityLabel',
        'impact',
        'message',
        'messageHtml',
        'services',
        'servicesHtml',
        'nextUpdateBy',
        'postedAt',
        'permalink',
        'manageUrl',
        'unsubscribeUrl',
        'confirmUrl',
        'target',
        'about',
        'calendarUrl',
      ]);
      return [template.subject(vars), template.text(vars), template.html(vars)].join('\n');
    });
    expect(mails.join('')).toContain('⟦');
    for (const mail of mails) expect(englishIn(untranslated(readable(mail)))).toEqual([]);
  });
});

describe(`the home page of a large catalogue in ${PSEUDO}`, () => {
  it('leaves no English message in its table of services', async () => {
    const dir = contentIn(PSEUDO, pseudoCatalogue());
    try {
      const services = Array.from({ length: HOME_BARS_MAX_SERVICES + 2 }, (_, i) => ({ slug: `zorb-${i}`, name: `Zorb ${i}`, description: '' }));
      writeFileSync(join(dir, 'services.json'), JSON.stringify({ groups: [{ slug: 'core', name: 'Quorl', services }] }));
      const renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
      const t = await makeTestApp({ renderPage, env: { CONTENT_DIR: dir } });
      expect(
        (
          await t.call(
            'POST',
            '/api/admin/incidents',
            makeIncident({ title: 'Zibble', message: 'Zib.', impact: 'Zib.', services: [{ slug: 'zorb-3', status: 'partial_outage' }] }),
          )
        ).status,
      ).toBe(201);
      const home = t.snapshot.get('/')?.body.toString() ?? '';
      expect(home).toContain(`<th scope="col">⟦${ENGLISH_CATALOGUE['home.column.service']}⟧</th>`);
      expect(englishIn(untranslated(readable(home)))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
