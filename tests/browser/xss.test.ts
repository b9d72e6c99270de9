/**
 * A hundred XSS payloads typed into every field a comms lead fills in — incident title,
 * impact, first message, update messages, root cause — must be accepted as the text they
 * are, shown as typed, and run nowhere: not on the pages (loaded in Chromium with JavaScript
 * on, with the markers armed), not in the served HTML, not in the RSS feeds.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../api/shared/schemas.ts';
import { policyOf } from '../../api/platform/http/csp.ts';
import { XSS_PAYLOADS } from '../fixtures/xss-payloads.ts';
import { closeBrowserTest, launchBrowser } from '../support/browser.ts';
import { adminPost, startServer, type RunningServer } from '../support/server.ts';

const ADMIN_TOKEN = 'xss-admin-token-0123456789abcdef';
const SLUGS = ['web-app', 'api', 'auth', 'database', 'webhooks', 'email', 'cdn', 'billing', 'search', 'support-portal'];
const P = XSS_PAYLOADS.map((p) => p.text);
const N = P.length;
const at = (i: number) => P[i % N] as string;

/**
 * How the payloads are spread, so that each lands in every field while the number of writes
 * (each republishes the whole site) stays small:
 * - incident i+1 (INC-1 … INC-100): title P[i], impact P[i+1], first message P[i+2];
 * - INC-1 … INC-10 then get one update each carrying ten payloads, P[10k … 10k+9];
 * - INC-11 … INC-20 are resolved by an update with message P[i+3] and root cause P[i+4];
 * - of the rest, one in four stays open and the others are recorded already resolved (as a
 *   backfill would), so the home page shows both open cards and resolved listings without
 *   every write re-rendering a hundred cards.
 */
const plan = {
  status: (i: number) => (i < 20 || i % 4 === 0 ? 'investigating' : 'resolved'),
  incident: (i: number) => ({
    title: at(i),
    severity: (['P0', 'P1', 'P2', 'P3'] as const)[i % 4],
    status: plan.status(i),
    impact: at(i + 1),
    message: at(i + 2),
    services: [{ slug: SLUGS[i % SLUGS.length], status: plan.status(i) === 'resolved' ? 'operational' : 'degraded_performance' }],
    // Payloads are hostile, not internal; some look like blanks or hosts to the leak guard.
    acknowledgeWarnings: true,
  }),
  batchedUpdate: (k: number) => ({ status: 'mitigating', message: P.slice(10 * k, 10 * k + 10).join('\n\n'), acknowledgeWarnings: true }),
  resolution: (i: number) => ({ status: 'resolved', message: at(i + 3), rootCause: at(i + 4), acknowledgeWarnings: true }),
};
const BATCHED = Array.from({ length: 10 }, (_, k) => k); // INC-1 … INC-10
const RESOLVED = Array.from({ length: 10 }, (_, k) => 10 + k); // INC-11 … INC-20

let server: RunningServer;
let browser: Browser;

async function post(path: string, body: unknown): Promise<Incident> {
  return adminPost<Incident>(server.url, ADMIN_TOKEN, path, body);
}

async function createIncident(i: number): Promise<void> {
  const created = await post('/api/admin/incidents', plan.incident(i));
  expect(created.ref).toBe(`INC-${i + 1}`);
}

beforeAll(async () => {
  server = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN });
  // Every write re-renders every listing page and feed, so the writes go in while they are small.
  for (let i = 0; i < 20; i++) await createIncident(i);
  for (const k of BATCHED) await post(`/api/admin/incidents/INC-${k + 1}/updates`, plan.batchedUpdate(k));
  for (const i of RESOLVED) await post(`/api/admin/incidents/INC-${i + 1}/updates`, plan.resolution(i));
  for (let i = 20; i < N; i++) await createIncident(i);
  browser = await launchBrowser();
}, 240_000);

afterAll(() => closeBrowserTest(browser, server, server?.dir));

/** Everything on a page (or parsed from markup) that could run script or take the page over. */
type Inspection = { scripts: string[]; findings: string[] };

/**
 * Runs in the browser: inspects the live document (`html` null) or `html` parsed with
 * DOMParser, walking every element (template contents too) and every attribute. Anywhere:
 * no event handler, no javascript:/data:/vbscript: URL, no srcdoc, no frame, object, embed,
 * base, MathML or SVG animation, no meta refresh, no link or style outside the head. Inside
 * a rendered message (`.message`): only what api/platform/markdown.ts lets through.
 * Self-contained, because Playwright sends its source to the page.
 */
function inspectMarkup(html: string | null): Inspection {
  const doc = html === null ? document : new DOMParser().parseFromString(html, 'text/html');
  const findings: string[] = [];
  const active = new Set([
    'iframe',
    'frame',
    'frameset',
    'object',
    'embed',
    'applet',
    'base',
    'portal',
    'math',
    'foreignobject',
    'animate',
    'animatemotion',
    'animatetransform',
    'set',
  ]);
  const urlAttributes = new Set([
    'href',
    'src',
    'action',
    'formaction',
    'data',
    'poster',
    'background',
    'srcset',
    'ping',
    'cite',
    'codebase',
    'dynsrc',
    'lowsrc',
    'to',
    'from',
    'values',
    'by',
    'manifest',
    'icon',
    'xlink:href',
  ]);
  // The sanitiser's allowlist (api/platform/markdown.ts): what may survive into a rendered message.
  const messageTags = new Set([
    'p',
    'br',
    'strong',
    'b',
    'em',
    'i',
    'del',
    's',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ]);
  const messageAttributes: Record<string, string[]> = { a: ['href', 'title', 'rel'], th: ['align'], td: ['align'], ol: ['start'] };
  const elements: Element[] = [];
  const roots: ParentNode[] = [doc];
  while (roots.length) {
    for (const el of Array.from((roots.pop() as ParentNode).querySelectorAll('*'))) {
      elements.push(el);
      if (el instanceof HTMLTemplateElement) roots.push(el.content);
    }
  }
  for (const el of elements) {
    const name = el.localName.toLowerCase();
    const shown = `<${name}${Array.from(el.attributes, (a) => ` ${a.name}="${a.value}"`).join('')}>`.slice(0, 160);
    const inBody = !!el.closest('body');
    if (active.has(name)) findings.push(`element ${shown}`);
    // One http-equiv meta is the page's own: its Content-Security-Policy, first in the head
    // after the charset (api/platform/http/csp.ts), and the only one. Any other is a finding.
    const ownPolicy =
      el.getAttribute('http-equiv')?.toLowerCase() === 'content-security-policy' &&
      el.parentElement === doc.head &&
      (el.previousElementSibling === null || el.previousElementSibling.matches('meta[charset]')) &&
      doc.querySelectorAll('meta[http-equiv]').length === 1;
    if (name === 'meta' && (inBody || el.hasAttribute('http-equiv')) && !ownPolicy) findings.push(`meta ${shown}`);
    if (name === 'link' && inBody) findings.push(`link in body ${shown}`);
    if (name === 'style' && inBody) findings.push(`style in body ${shown}`);
    if (el.parentElement?.closest('.message')) {
      if (!messageTags.has(name)) findings.push(`in a message, element ${shown}`);
      for (const a of Array.from(el.attributes)) {
        if (!(messageAttributes[name] ?? []).includes(a.name)) findings.push(`in a message, attribute ${a.name} on ${shown}`);
      }
      if (name === 'a' && el.hasAttribute('href')) {
        // Where a click would go: a relative link stays on the site, over http(s).
        let protocol = 'invalid';
        try {
          protocol = new URL(el.getAttribute('href') ?? '', 'https://status.example.test/').protocol;
        } catch {}
        if (!['http:', 'https:', 'mailto:'].includes(protocol)) findings.push(`in a message, ${protocol} link ${shown}`);
      }
    }
    for (const attribute of Array.from(el.attributes)) {
      const attr = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
      if (attr.startsWith('on')) findings.push(`event handler ${attr} on ${shown}`);
      if (attr === 'srcdoc') findings.push(`srcdoc on ${shown}`);
      if (attr === 'style' && /expression|url\(|javascript:|behavior|binding/.test(value)) findings.push(`active style on ${shown}`);
      if ((urlAttributes.has(attr) || attr.endsWith(':href')) && /^(javascript|data|vbscript):/.test(value)) findings.push(`${attr} URL on ${shown}`);
    }
  }
  const scripts = Array.from(doc.querySelectorAll('script'), (s) => (s.hasAttribute('src') ? `src=${s.getAttribute('src')}` : (s.textContent ?? '')));
  return { scripts, findings };
}

const RAW_FORBIDDEN = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal', 'math']);

/**
 * What the served text says before any parser repairs it: how many `<script` start tags,
 * and every forbidden tag, `<meta http-equiv>` and `on…=` attribute. A small scanner rather
 * than a regular expression, so that a quoted attribute value is skipped whole (a payload in
 * `<meta content="…">` is text, `<` and all) and comments and script content are not read as tags.
 */
function rawMarkup(html: string): { scripts: number; findings: string[] } {
  let scripts = 0;
  const findings: string[] = [];
  // The page's own policy (see inspectMarkup) comes before any tag but html, head and the charset meta.
  const seen: string[] = [];
  let ownPolicySeen = false;
  let i = html.indexOf('<');
  while (i !== -1 && i < html.length) {
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      i = end === -1 ? -1 : html.indexOf('<', end + 3);
      continue;
    }
    const open = /^<([a-zA-Z][^\s/>]*)/.exec(html.slice(i, i + 64));
    if (!open) {
      i = html.indexOf('<', i + 1);
      continue;
    }
    const name = (open[1] as string).toLowerCase();
    const attributes: string[] = [];
    let j = i + open[0].length;
    while (j < html.length && html[j] !== '>') {
      const attr = /^[^\s"'>/=]+/.exec(html.slice(j, j + 256));
      if (!attr) {
        j++;
        continue;
      }
      attributes.push(attr[0].toLowerCase());
      j += attr[0].length;
      while (/\s/.test(html[j] ?? '')) j++;
      if (html[j] !== '=') continue;
      j++;
      while (/\s/.test(html[j] ?? '')) j++;
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, j + 1);
        j = close === -1 ? html.length : close + 1;
      } else {
        while (j < html.length && !/[\s>]/.test(html[j] as string)) j++;
      }
    }
    const tag = html.slice(i, j + 1).slice(0, 160);
    if (name === 'script') scripts++;
    if (RAW_FORBIDDEN.has(name)) findings.push(`raw <${name}: ${tag}`);
    const ownPolicy =
      !ownPolicySeen &&
      /^<meta http-equiv="content-security-policy" content="[^"<>]*">$/.test(html.slice(i, j + 1)) &&
      seen.every((t) => t === 'html' || t === 'head' || t === 'meta');
    if (ownPolicy) ownPolicySeen = true;
    else if (name === 'meta' && attributes.includes('http-equiv')) findings.push(`raw meta http-equiv: ${tag}`);
    seen.push(name);
    for (const attr of attributes) if (attr.startsWith('on')) findings.push(`raw ${attr}= on ${tag}`);
    // Script content is text to the parser, never tags; so is <noscript> content in a browser
    // with scripting on. (Style content is not skipped: inside <svg> it is markup.)
    const rawText = name === 'script' || name === 'noscript' ? html.toLowerCase().indexOf(`</${name}`, j) : -1;
    i = html.indexOf('<', rawText === -1 ? j + 1 : rawText + 2);
  }
  return { scripts, findings };
}

/** A browser context in which every marker is armed: `__xss(n)` from any frame, and any dialog. */
async function armedContext(): Promise<{ context: BrowserContext; page: Page; fired: string[]; errors: string[] }> {
  const context = await browser.newContext();
  const fired: string[] = [];
  const errors: string[] = [];
  await context.exposeBinding('__xss', ({ frame }, n: unknown) => void fired.push(`__xss(${String(n)}) in ${frame.url()}`));
  context.on('page', (page) => {
    page.on('dialog', (dialog) => {
      fired.push(`${dialog.type()}(${dialog.message()})`);
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => errors.push(error.message));
  });
  const page = await context.newPage();
  return { context, page, fired, errors };
}

/** Lets what a loaded page schedules (focus, toggle, animation, load/error events) happen. */
const settle = (page: Page) =>
  page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 20)))));

describe('the payload corpus', () => {
  it('holds exactly 100 distinct payloads, each usable as a title and each calling its own marker', () => {
    expect(XSS_PAYLOADS.map((p) => p.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(P).size).toBe(100);
    for (const payload of XSS_PAYLOADS) {
      expect(payload.text.length, `#${payload.id}`).toBeLessThanOrEqual(200);
      expect(payload.text.trim(), `#${payload.id}`).toBe(payload.text);
      if (!payload.encoded) expect(payload.text, `#${payload.id}`).toMatch(new RegExp(`(__xss|alert|confirm|prompt)\\(${payload.id}\\)`));
    }
  });

  it('is live: injected as raw HTML, payloads run, and the inspections flag every one that ran', async () => {
    const { context, page: shared, fired } = await armedContext();
    const flagged = (found: { scripts: unknown[] | number; findings: string[] }) =>
      (Array.isArray(found.scripts) ? found.scripts.length : found.scripts) > 0 || found.findings.length > 0;
    try {
      const ran = new Set<number>();
      const unflagged: string[] = [];
      for (const payload of XSS_PAYLOADS) {
        // Chromium 156 crashes when a page that held a data: frame is rewritten to hold a
        // srcdoc frame; payloads that make frames get a page of their own.
        const framed = /<(iframe|object|embed)/i.test(payload.text);
        const page = framed ? await context.newPage() : shared;
        fired.length = 0;
        await page.setContent(`<!doctype html><html lang="en"><title>t</title><body>${payload.text}</body></html>`);
        await settle(page);
        const markers = fired.map((f) => Number(/\((\d+)\)/.exec(f)?.[1]));
        if (markers.includes(payload.id)) ran.add(payload.id);
        if (markers.length > 0) {
          if (!flagged(await page.evaluate(inspectMarkup, null))) unflagged.push(`#${payload.id} in the live DOM`);
          if (!flagged(rawMarkup(`<body>${payload.text}`))) unflagged.push(`#${payload.id} by the raw scan`);
          // DOMParser parses as a browser with scripting off, where <noscript> holds markup, not
          // text: a <noscript> breakout is invisible to it, and only to it.
          if (!payload.text.includes('<noscript') && !flagged(await page.evaluate(inspectMarkup, `<body>${payload.text}`))) {
            unflagged.push(`#${payload.id} by DOMParser`);
          }
        }
        if (framed) await page.close();
      }
      // The classics must fire, or the markers are not armed: <script>, alert(), onerror, onload, a srcdoc frame.
      expect([...ran]).toEqual(expect.arrayContaining([1, 5, 11, 12, 13, 17, 94]));
      expect(unflagged, 'payloads that ran but were not flagged').toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('payloads as text', () => {
  it('accepts and stores every payload exactly as typed, in every field', async () => {
    const response = await fetch(`${server.url}/api/admin/incidents?state=all&limit=500`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    const { incidents: stored } = (await response.json()) as { incidents: Incident[] };
    expect(stored).toHaveLength(N);
    for (let i = 0; i < N; i++) {
      const incident = stored.find((x) => x.ref === `INC-${i + 1}`) as Incident;
      expect(incident.title).toBe(at(i));
      expect(incident.impact).toBe(at(i + 1));
      const messages = incident.updates.map((u) => u.message);
      expect(messages).toContain(at(i + 2));
      if (BATCHED.includes(i)) expect(messages).toContain(plan.batchedUpdate(i).message);
      if (RESOLVED.includes(i)) {
        expect(messages).toContain(at(i + 3));
        expect(incident.rootCause).toBe(at(i + 4));
      }
    }
  });

  it('shows titles, impacts and root causes exactly as typed: on each incident page, the home page and the history', async () => {
    const { context, page } = await armedContext();
    /** The text of each element `selectors` name, as Chromium parses the page served at `path`. */
    const read = async (path: string, selectors: Record<string, string>): Promise<Record<string, string[]>> => {
      const html = await (await fetch(`${server.url}${path}`)).text();
      return page.evaluate(
        ({ html, selectors }: { html: string; selectors: Record<string, string> }) => {
          const doc = new DOMParser().parseFromString(html, 'text/html');
          return Object.fromEntries(Object.entries(selectors).map(([key, css]) => [key, Array.from(doc.querySelectorAll(css), (e) => e.textContent ?? '')]));
        },
        { html, selectors },
      );
    };
    try {
      for (let i = 0; i < N; i++) {
        const ref = `INC-${i + 1}`;
        const shown = await read(`/incidents/${ref}`, { h1: 'h1', title: 'title', facts: 'dl.facts dd' });
        expect(shown.h1, ref).toEqual([at(i)]);
        const [title = ''] = shown.title ?? [];
        expect(title.startsWith(`${at(i)} (${ref}) · `), `${ref} <title>: ${title}`).toBe(true);
        expect(shown.facts, ref).toContain(at(i + 1));
        if (RESOLVED.includes(i)) expect(shown.facts, ref).toContain(at(i + 4));
      }
      const open = Array.from({ length: N }, (_, i) => i).filter((i) => plan.status(i) !== 'resolved' && !RESOLVED.includes(i));
      const home = await read('/', { cards: 'article.card h3', impacts: 'article.card > p:not(.meta):has(> strong)' });
      expect(home.cards?.sort()).toEqual(open.map((i) => at(i)).sort());
      expect(home.impacts?.sort()).toEqual(open.map((i) => `Impact: ${at(i + 1)}`).sort());
      // /history lists the newest 50 and links each month's page, which lists all of that month's.
      const history = await read('/history', { titles: '.history-item > a' });
      expect(history.titles).toHaveLength(50);
      for (const title of history.titles ?? []) expect(P).toContain(title);
      const monthTitles: string[] = [];
      const hrefs = [...(await (await fetch(`${server.url}/history`)).text()).matchAll(/href="(\/history\/\d{4}\/\d{2})"/g)].map((m) => m[1] as string);
      for (const href of new Set(hrefs)) monthTitles.push(...((await read(href, { titles: '.history-item > a' })).titles ?? []));
      expect(monthTitles.sort()).toEqual([...P].sort());
    } finally {
      await context.close();
    }
  });
});

/**
 * The layout's own inline script, as the not-found page (which shows nothing anyone typed)
 * serves it: the one script every public page may carry.
 */
async function pageScript(page: Page): Promise<string> {
  const response = await page.goto(`${server.url}/no-such-page`);
  expect(response?.status()).toBe(404);
  const { scripts } = await page.evaluate(inspectMarkup, null);
  expect(scripts).toHaveLength(1);
  expect(scripts[0]).not.toContain('__xss');
  return scripts[0] as string;
}

describe('nothing runs', () => {
  const pages = () => ['/', '/history', ...SLUGS.map((s) => `/services/${s}`), ...Array.from({ length: N }, (_, i) => `/incidents/INC-${i + 1}`)];

  it('fires no marker and no dialog on any page in Chromium with JavaScript on, and leaves no active markup in the live DOM', async () => {
    const { context, page, fired, errors } = await armedContext();
    try {
      const ownScript = await pageScript(page);
      const problems: string[] = [];
      for (const path of pages()) {
        const url = `${server.url}${path}`;
        const response = await page.goto(url);
        expect(response?.status(), path).toBe(200);
        if (path === '/') await page.mouse.move(200, 300, { steps: 5 }); // hover-triggered handlers
        await settle(page);
        expect(page.url(), `${path} navigated away`).toBe(url);
        const { scripts, findings } = await page.evaluate(inspectMarkup, null);
        if (scripts.length !== 1 || scripts[0] !== ownScript) problems.push(`${path}: scripts ${JSON.stringify(scripts).slice(0, 300)}`);
        problems.push(...findings.map((f) => `${path}: ${f}`));
      }
      expect(fired, 'markers and dialogs that fired').toEqual([]);
      expect(problems).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('serves HTML with the page’s one inline script and no active markup from the payloads', async () => {
    const { context, page } = await armedContext();
    try {
      const ownScript = await pageScript(page);
      const problems: string[] = [];
      for (const path of pages()) {
        const response = await fetch(`${server.url}${path}`);
        const html = await response.text();
        // The policy the page carries is the one it is served with, and the header adds only what a meta cannot say (no framing).
        if (`${policyOf(html).replace(/;\s*$/, '')}; frame-ancestors 'none'` !== response.headers.get('content-security-policy'))
          problems.push(`${path}: its CSP meta and header differ`);
        const raw = rawMarkup(html);
        if (raw.scripts !== 1) problems.push(`${path}: ${raw.scripts} <script> start tags in the served text`);
        problems.push(...raw.findings.map((f) => `${path}: ${f}`));
        const { scripts, findings } = await page.evaluate(inspectMarkup, html);
        if (scripts.length !== 1 || scripts[0] !== ownScript) problems.push(`${path}: scripts ${JSON.stringify(scripts).slice(0, 300)}`);
        problems.push(...findings.map((f) => `${path}: ${f}`));
      }
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("serves /embed, which other sites frame, with no script at all and no active markup from the open incidents' titles", async () => {
    const { context, page } = await armedContext();
    try {
      const response = await fetch(`${server.url}/embed`);
      const html = await response.text();
      expect(policyOf(html).replace(/;\s*$/, '')).toBe(response.headers.get('content-security-policy'));
      expect(html).toContain('<li>');
      const raw = rawMarkup(html);
      expect(raw).toEqual({ scripts: 0, findings: [] });
      expect(await page.evaluate(inspectMarkup, html)).toEqual({ scripts: [], findings: [] });
    } finally {
      await context.close();
    }
  });

  it('publishes RSS feeds whose items keep the titles as text and carry no active markup', async () => {
    const { context, page } = await armedContext();
    try {
      const parser = new Parser();
      const problems: string[] = [];
      const guids = new Set<string>();
      const expectedTitles = new Set<string>();
      for (let i = 0; i < N; i++) {
        expectedTitles.add(`${at(i)} — ${plan.status(i) === 'resolved' ? 'Resolved' : 'Investigating'}`);
        if (BATCHED.includes(i)) expectedTitles.add(`${at(i)} — Mitigating`);
        if (RESOLVED.includes(i)) expectedTitles.add(`${at(i)} — Resolved`);
      }
      for (const path of ['/feed.xml', ...SLUGS.map((s) => `/services/${s}/feed.xml`)]) {
        const response = await fetch(`${server.url}${path}`);
        expect(response.status, path).toBe(200);
        const feed = await parser.parseString(await response.text());
        expect(feed.items.length, path).toBeGreaterThan(0);
        for (const item of feed.items) {
          guids.add(item.guid as string);
          if (!expectedTitles.has(item.title as string)) problems.push(`${path}: unexpected title ${JSON.stringify(item.title)}`);
          const description = item.content ?? '';
          const raw = rawMarkup(description);
          if (raw.scripts) problems.push(`${path} ${item.guid}: ${raw.scripts} <script> start tags`);
          problems.push(...raw.findings.map((f) => `${path} ${item.guid}: ${f}`));
          const { scripts, findings } = await page.evaluate(inspectMarkup, `<!doctype html><body><div class="message">${description}</div>`);
          if (scripts.length) problems.push(`${path} ${item.guid}: scripts ${JSON.stringify(scripts).slice(0, 300)}`);
          problems.push(...findings.map((f) => `${path} ${item.guid}: ${f}`));
        }
      }
      expect(problems).toEqual([]);
      // Every update published (100 first messages, 10 batched updates, 10 resolutions) was checked in some feed.
      expect(guids.size).toBe(N + BATCHED.length + RESOLVED.length);
    } finally {
      await context.close();
    }
  });
});
