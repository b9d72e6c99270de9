/**
 * The Content-Security-Policy of Herald's pages. Astro computes it at build time
 * (astro.config.mjs `security.csp`): the hashes of the few scripts and styles the pages carry,
 * and nothing else may run. The renderer writes it into each page as a `<meta>` element, so
 * the policy travels with the file — into the snapshot on disk, a static export, a CDN — and
 * the server sends the same policy as a header, with what only a header can say (framing).
 */
import { createHash } from 'node:crypto';

const META = /<meta http-equiv="content-security-policy" content="([^"]*)">/i;

/** For HTML that carries no policy of its own: nothing inline runs, nothing is embedded. */
const FALLBACK_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

const escapeAttribute = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
const unescapeAttribute = (text: string): string => text.replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/**
 * Puts `policy` into the page's head, before anything it governs (a policy in a `<meta>`
 * covers only what comes after it): right after `<meta charset>`, which must stay first.
 *
 * @example embedPolicy('<html><head><meta charset="utf-8"><title>x</title>', "script-src 'self'")
 * // '<html><head><meta charset="utf-8"><meta http-equiv="content-security-policy" content="script-src 'self'"><title>x</title>'
 */
export function embedPolicy(html: string, policy: string): string {
  const meta = `<meta http-equiv="content-security-policy" content="${escapeAttribute(policy.trim())}">`;
  const anchor = /<meta charset="[^"]*"\s*\/?>/i.exec(html) ?? /<head>/i.exec(html);
  if (!anchor) return html;
  const at = anchor.index + anchor[0].length;
  return html.slice(0, at) + meta + html.slice(at);
}

/** Inline scripts and styles, whole: the attributes (to tell `src=` apart) and the text the hash is taken of. */
const INLINE = /<(script|style)\b([^>]*)>([\s\S]*?)<\/\1\s*>/gi;
const OPENING = /<(script|style)\b/gi;
const HASH = /^'sha(256|384|512)-/;

/**
 * Narrows the build's policy to one page. Astro lists in every page's policy the hashes of
 * every inline script and style of the whole build (19 on the demo's home page, which carries
 * 2): the page then allows code that is not its own, and pays about 900 bytes of hashes, which
 * do not compress, in its head and again in each answer's header. The page keeps the hashes of
 * its own inline elements and nothing else. When the page cannot be read for certain (an
 * opening tag the pattern did not read whole, an element whose hash the build did not list),
 * the build's policy is kept as it is: a page must never lose a hash it needs.
 *
 * @example narrowPolicy('<style>a{}</style>', "style-src 'self' 'sha256-<a{}>' 'sha256-<other>'")
 * // "style-src 'self' 'sha256-<a{}>'"
 */
export function narrowPolicy(html: string, policy: string): string {
  const own = new Set<string>();
  let elements = 0;
  for (const [, , attributes, text] of html.matchAll(INLINE)) {
    elements++;
    if (/\ssrc\s*=/i.test(attributes ?? '')) continue;
    own.add(
      `'sha256-${createHash('sha256')
        .update(text ?? '')
        .digest('base64')}'`,
    );
  }
  if (elements !== (html.match(OPENING) ?? []).length) return policy;
  const directives = policy.split(';').map((directive) => directive.trim().split(/\s+/));
  const listed = new Set(directives.flatMap((tokens) => tokens.slice(1).filter((token) => HASH.test(token))));
  if ([...own].some((hash) => !listed.has(hash))) return policy;
  return directives
    .filter((tokens) => tokens[0])
    .map(([name, ...values]) => [name, ...values.filter((token) => !HASH.test(token) || own.has(token))].join(' '))
    .join('; ');
}

/**
 * The policy a page carries in its head, as `embedPolicy` wrote it; the fallback when it has
 * none. Only the head is read: the body holds what people typed, and only the head is ours.
 */
export function policyOf(html: string): string {
  const headEnd = html.search(/<\/head>/i);
  const match = META.exec(headEnd < 0 ? html.slice(0, 8192) : html.slice(0, headEnd));
  return match?.[1] ? unescapeAttribute(match[1]) : FALLBACK_POLICY;
}

/**
 * The headers a page is served with: its policy, plus, unless it may be framed (only /embed,
 * made for other sites to frame), `frame-ancestors 'none'`; and how much of its URL other sites learn.
 */
export function pageSecurityHeaders(html: string, options: { framing: boolean; referrer: string }): Record<string, string> {
  const policy = policyOf(html).replace(/;\s*$/, '');
  return {
    'content-security-policy': options.framing ? policy : `${policy}; frame-ancestors 'none'`,
    'referrer-policy': options.referrer,
  };
}
