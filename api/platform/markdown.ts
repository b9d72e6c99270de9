import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// Raw HTML typed into a message is text the comms lead wrote, so it is shown as typed
// rather than interpreted; the sanitiser below is the second line, not the first.
const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: { html: ({ text }) => escapeHtml(text) },
});

/**
 * What may survive into a page, a feed or an email: text formatting, lists, quotes, code,
 * tables and links to http(s)/mailto. No images (tracking pixels, mixed content), no
 * styles, no event handlers, no `javascript:` or `data:` URLs.
 */
const POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
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
  ],
  allowedAttributes: { a: ['href', 'title'], th: ['align'], td: ['align'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // Headings inside an update must not outrank the page's own; h1/h2 become h3.
    h1: 'h3',
    h2: 'h3',
    // Only absolute http(s)/mailto links: a relative href would point into the status site
    // itself (and means nothing in an email).
    a: (tagName, attribs) => {
      const { href, ...rest } = attribs;
      const absolute = href !== undefined && /^(https?:\/\/|mailto:)/i.test(href.trim());
      return { tagName, attribs: { ...rest, ...(absolute ? { href: href.trim() } : {}), rel: 'nofollow noopener noreferrer' } };
    },
  },
};
POLICY.allowedAttributes = { ...(POLICY.allowedAttributes as Record<string, string[]>), a: ['href', 'title', 'rel'] };

/**
 * `convert` with its latest results kept: a fan-out renders one update's message for every
 * chat target, and a publish renders the same messages for page, feed and API alike. Both
 * conversions are pure, so a kept result is the result. At most REMEMBERED messages, each
 * under REMEMBERED_CHARS, are kept; the oldest kept goes first.
 */
const REMEMBERED = 512;
const REMEMBERED_CHARS = 16_384;
function remembered(convert: (markdown: string) => string): (markdown: string) => string {
  const kept = new Map<string, string>();
  return (markdown) => {
    const known = kept.get(markdown);
    if (known !== undefined) return known;
    const result = convert(markdown);
    if (markdown.length <= REMEMBERED_CHARS) {
      if (kept.size >= REMEMBERED) kept.delete(kept.keys().next().value as string);
      kept.set(markdown, result);
    }
    return result;
  };
}

/**
 * The one way Herald turns a comms lead's markdown into HTML, for the site, the feeds and the
 * emails alike: parsed by marked with raw HTML escaped (shown as typed), then sanitised, so
 * nothing executable survives whatever the parser lets through.
 *
 * @example renderMarkdown('**Fixed** <script>x</script>') // '<p><strong>Fixed</strong> &lt;script&gt;x&lt;/script&gt;</p>\n'
 */
export const renderMarkdown = remembered((markdown: string): string => sanitizeHtml(marked.parse(markdown) as string, POLICY));

/** Plain text of a markdown message, for email text parts and meta descriptions. */
export const markdownToText = remembered((markdown: string): string =>
  sanitizeHtml(marked.parse(markdown) as string, { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{3,}/g, '\n\n')
    .trim(),
);
