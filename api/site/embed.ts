/**
 * The embeddable status (`/embed`): a tiny page another site frames to show the overall
 * status and the open incidents, linking to their pages here. Self-contained on purpose —
 * one inline stylesheet, allowed by its hash; no script, no image, no font, no cookie — so it
 * loads under any host page's policy that lets it be framed at all, and costs the host nothing.
 * Pure: model in, HTML out.
 */
import { createHash } from 'node:crypto';
import { SEVERITIES, type Severity } from '../shared/vocabulary.ts';
import { embedPolicy } from '../platform/http/csp.ts';
import type { IncidentView, SiteModel } from './model.ts';
import { byCodeUnits } from '../shared/order.ts';

export const EMBED_PATH = '/embed';

/** Open incidents listed before "and N more". */
const MAX_LISTED = 3;

const TONE_OF_INDICATOR = { none: 'ok', maintenance: 'maintenance', minor: 'minor', major: 'major', critical: 'critical' } as const;

/** Light colours first, dark after: the site's own palette (src/layouts/Base.astro), same contrast. */
const STYLE = [
  ':root{--bg:#fff;--fg:#1b1f24;--muted:#505a66;--line:#d8dde3;--link:#0b57b4;--ok:#1b6b37;--maintenance:#1d4f91;--minor:#7a5200;--major:#a83a00;--critical:#b3141e;color-scheme:light dark}',
  '@media (prefers-color-scheme:dark){:root{--bg:#111418;--fg:#e8ebee;--muted:#a9b3bd;--line:#2c333b;--link:#8ab8ff;--ok:#5fd38a;--maintenance:#8fb8ff;--minor:#f2c14e;--major:#ff9d5c;--critical:#ff8585}}',
  // Nothing here moves; should a transition ever be added, readers who asked for less motion get none.
  '@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}',
  'body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}',
  // The coloured edge runs the frame's full height, however tall the host made it.
  'html,body{height:100%}main{box-sizing:border-box;min-height:100%;padding:.6rem .8rem;border-left:.35rem solid currentColor}',
  'main>*{color:var(--fg)}',
  'a{color:var(--link)}a:focus-visible{outline:2px solid var(--link);outline-offset:2px}',
  'h1{font-size:1rem;margin:0}',
  'ul{margin:.4rem 0 0;padding:0;list-style:none}li{margin:.2rem 0}',
  '.muted{color:var(--muted)}',
  '.tone-ok{color:var(--ok)}.tone-maintenance{color:var(--maintenance)}.tone-minor{color:var(--minor)}.tone-major{color:var(--major)}.tone-critical{color:var(--critical)}',
].join('');

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/**
 * Its policy: its own stylesheet and nothing else. `frame-ancestors` is not in it — this page
 * is the one that other sites may frame (api/site/serve.ts sends no `frame-ancestors` for it).
 */
export const EMBED_POLICY = `default-src 'none'; style-src ${STYLE_HASH}; base-uri 'none'; form-action 'none'`;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** "27 Nov 2026 14:05 UTC", always with the date: the same for every reader, as nothing here runs to localise it. */
const ALWAYS_DATED = new Date(0);

/** Worst first, then newest: what a reader of a small box must see first. */
function byUrgency(a: IncidentView, b: IncidentView): number {
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return rank(a.severity) - rank(b.severity) || byCodeUnits(b.startedAt, a.startedAt);
}

/**
 * The embed page. Links open in the top window (`target="_top"`): the reader leaves the host
 * page for the incident's page, rather than reading it squeezed into the frame.
 * @example renderEmbed(model).includes('All Systems Operational') // when nothing is wrong
 */
export function renderEmbed(model: SiteModel): string {
  const { site } = model;
  const { t, utc } = model.messages;
  const open = model.incidents.filter((i) => i.status !== 'resolved').sort(byUrgency);
  const link = (href: string, text: string) => `<a href="${escapeHtml(href)}" target="_top">${escapeHtml(text)}</a>`;
  const items = open.slice(0, MAX_LISTED).map((i) => {
    const latest = i.updates[0];
    const when = latest ? latest.createdAt : i.updatedAt;
    const status = t('embed.updated', { status: t(`incident.status.${i.status}`), time: utc(new Date(when), ALWAYS_DATED) });
    return `<li>${link(i.url, i.title)} <span class="muted">· ${escapeHtml(status)}</span></li>`;
  });
  if (open.length > MAX_LISTED) items.push(`<li>${link(`${site.publicUrl}/`, t('embed.more', { count: open.length - MAX_LISTED }))}</li>`);
  const maintenance = model.maintenances.filter((m) => m.status === 'in_progress');
  for (const m of maintenance) items.push(`<li>${link(m.url, m.title)} <span class="muted">· ${escapeHtml(t('embed.maintenance'))}</span></li>`);
  const tone = TONE_OF_INDICATOR[model.overall.indicator];
  const html = [
    `<!doctype html><html lang="${escapeHtml(model.messages.lang)}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="robots" content="noindex">',
    `<title>${escapeHtml(site.title)}</title><style>${STYLE}</style></head>`,
    `<body><main class="tone-${tone}">`,
    `<h1>${link(`${site.publicUrl}/`, site.name)}: <span class="tone-${tone}">${escapeHtml(model.overall.description)}</span></h1>`,
    items.length ? `<ul>${items.join('')}</ul>` : '',
    '</main></body></html>',
  ].join('');
  return embedPolicy(html, EMBED_POLICY);
}
