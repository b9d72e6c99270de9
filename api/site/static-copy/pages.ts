/**
 * What a static copy of the site (`npm run export`) needs that Herald otherwise answers itself:
 * redirect pages for the short links, the subscribe form pointed at the live Herald (or taken
 * out), and the search page running on a prebuilt index. Pure: HTML in, HTML out.
 */
import { embedPolicy, policyOf } from '../../platform/http/csp.ts';
import type { PluralForms } from '../../shared/messages.ts';

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A page that sends the reader on to the incident a short link names (`/i/42` →
 * `/incidents/INC-42`): what Herald answers with a 301, as a file any static host serves.
 * @example shortLinkPage('INC-42', 'https://status.example.com', 'en') // '<!DOCTYPE html>…<meta http-equiv="refresh" content="0; url=/incidents/INC-42">…'
 */
export function shortLinkPage(ref: string, publicUrl: string, lang: string): string {
  const path = `/incidents/${encodeURIComponent(ref)}`;
  return `<!DOCTYPE html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta http-equiv="content-security-policy" content="default-src 'none'; base-uri 'none'; form-action 'none'"><meta name="robots" content="noindex"><meta http-equiv="refresh" content="0; url=${path}"><link rel="canonical" href="${escapeHtml(publicUrl + path)}"><title>${escapeHtml(ref)}</title></head><body><p><a href="${path}">${escapeHtml(ref)}</a></p></body></html>\n`;
}

const SUBSCRIBE_FORM = /<form class="subscribe" method="post" action="\/subscribe">[\s\S]*?<\/form>/;

/** Replaces the page's policy (the `<meta>` the renderer put in its head) with `policy`. */
function withPolicy(html: string, policy: string): string {
  const without = html.replace(/<meta http-equiv="content-security-policy" content="[^"]*">/i, '');
  return embedPolicy(without, policy);
}

/** `policy` with `sources` added to `directive` (created from default-src's if absent). */
function allow(policy: string, directive: string, sources: string[]): string {
  const directives = policy
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean);
  const at = directives.findIndex((d) => d.split(/\s+/)[0] === directive);
  if (at >= 0) {
    const values = (directives[at] as string)
      .split(/\s+/)
      .slice(1)
      .filter((v) => v !== "'none'");
    directives[at] = [directive, ...new Set([...values, ...sources])].join(' ');
  } else directives.push([directive, ...sources].join(' '));
  return directives.join('; ');
}

/**
 * The subscribe form of a page of the static copy: posting to the live Herald at `apiUrl` (its
 * policy then lets the form go there), or, without one, taken out — a static host cannot take a
 * sign-up, and a form that answers 404 is worse than none. The feeds stay linked in the footer.
 * @example subscribeFormFor(page, 'https://herald.example.com') // '…<form class="subscribe" method="post" action="https://herald.example.com/subscribe">…'
 */
export function subscribeFormFor(html: string, apiUrl: string | null): string {
  if (!SUBSCRIBE_FORM.test(html)) return html;
  if (!apiUrl) return html.replace(SUBSCRIBE_FORM, '');
  const origin = new URL(apiUrl).origin;
  const pointed = html.replace(
    '<form class="subscribe" method="post" action="/subscribe">',
    `<form class="subscribe" method="post" action="${escapeHtml(apiUrl)}/subscribe">`,
  );
  return withPolicy(pointed, allow(policyOf(pointed), 'form-action', [origin]));
}

/** The words the search page's script shows, in the site's language. */
export type StaticSearchWords = { lang: string; noMatch: string; matches: string | PluralForms; refError: string };

/**
 * The search page for a static host: the page Herald renders for an empty search, with the
 * script that runs the form's search against the index built beside it (`/pagefind/`).
 */
export function staticSearchPage(html: string, words: StaticSearchWords, scriptPath: string): string {
  const data = escapeHtml(JSON.stringify(words));
  return html
    .replace('<form method="get" action="/search" class="search"', `<form method="get" action="/search" class="search" data-static-search="${data}"`)
    .replace('</body>', `<script type="module" src="${escapeHtml(scriptPath)}"></script></body>`);
}

/**
 * An incident page as the index reads it (the file itself is not changed): what the search
 * can narrow by — the services it affected and its severity as filters, its reference, path and
 * start as meta — and the page's own status line, shown under each result.
 */
export function indexedIncidentPage(html: string, incident: { ref: string; severity: string; startedAt: string; services: readonly string[] }): string {
  const tags = [
    ...incident.services.map((slug) => `<span data-pagefind-filter="service:${escapeHtml(slug)}"></span>`),
    `<span data-pagefind-filter="severity:${escapeHtml(incident.severity)}"></span>`,
    `<span data-pagefind-meta="ref:${escapeHtml(incident.ref)}"></span>`,
    `<span data-pagefind-meta="path:/incidents/${escapeHtml(incident.ref)}"></span>`,
    `<span data-pagefind-meta="started:${escapeHtml(incident.startedAt)}"></span>`,
  ].join('');
  return html.replace('<p class="meta">', '<p class="meta" data-pagefind-meta="line">').replace('</main>', `${tags}</main>`);
}
