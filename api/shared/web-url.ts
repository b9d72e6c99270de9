import { z } from 'zod';

/**
 * A URL from the operator (a setting or content/site.json) that Herald shows as a link or
 * calls: http or https only, with a host, and no user name or password in it. Anything else
 * (`javascript:`, `data:`, `file:`, a typo) is refused at start with `hint`, which says what
 * to write instead, rather than rendered on every page or failing later, unseen.
 *
 * @example webUrl('use https://…').parse('javascript:alert(1)') // throws: use https://…
 */
export const webUrl = (hint: string) =>
  z
    .url({ protocol: /^https?$/, error: `must be an http(s) URL: ${hint}` })
    .max(2000, 'must be at most 2000 characters')
    .refine((url) => {
      // Zod runs every check; one that does not parse was reported by z.url already.
      const parsed = URL.parse(url);
      return !parsed || (!parsed.username && !parsed.password);
    }, `must not carry a user name or password: ${hint}`);

/** The public URL every link is made from: a web URL with no query or fragment to append paths to. */
export const baseUrl = (hint: string) =>
  webUrl(hint).refine((url) => {
    const parsed = URL.parse(url);
    return !parsed || (!parsed.search && !parsed.hash);
  }, `must not have a ?query or #fragment: ${hint}`);
