import { describe, expect, it } from 'vitest';
import { policyOf } from '../../api/platform/http/csp.ts';
import { indexedIncidentPage, shortLinkPage, staticSearchPage, subscribeFormFor } from '../../api/site/static-copy/pages.ts';

const POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; script-src 'self' 'sha256-abc='";
const page = (body: string) =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="content-security-policy" content="${POLICY}"><title>x</title></head><body><main id="main"><p class="meta">Resolved · Minor impact</p></main>${body}</body></html>`;
const FORM =
  '<form class="subscribe" method="post" action="/subscribe"><h2 id="subscribe-heading">Get notices</h2><input name="email"><button type="submit">Subscribe</button></form>';

describe('a static copy of the site', () => {
  it('points the subscribe form at the live Herald and lets the page post there', () => {
    const html = subscribeFormFor(page(FORM), 'https://herald.example.com');
    expect(html).toContain('<form class="subscribe" method="post" action="https://herald.example.com/subscribe">');
    expect(policyOf(html)).toBe(
      "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self' https://herald.example.com; script-src 'self' 'sha256-abc='",
    );
    // One policy, where it was: right after the charset.
    expect(html.match(/http-equiv="content-security-policy"/g)).toHaveLength(1);
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="content-security-policy"/);
  });

  it('takes the subscribe form out when no live Herald is named, and leaves pages without one alone', () => {
    const html = subscribeFormFor(page(FORM), null);
    expect(html).not.toContain('<form');
    expect(policyOf(html)).toBe(POLICY);
    const plain = page('<p>no form</p>');
    expect(subscribeFormFor(plain, 'https://herald.example.com')).toBe(plain);
  });

  it('writes a short link as a page that goes to its incident, with nothing to run', () => {
    const html = shortLinkPage('INC-42', 'https://status.example.com', 'de');
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<meta http-equiv="refresh" content="0; url=/incidents/INC-42">');
    expect(html).toContain('<link rel="canonical" href="https://status.example.com/incidents/INC-42">');
    expect(html).toContain('<a href="/incidents/INC-42">INC-42</a>');
    expect(policyOf(html)).toBe("default-src 'none'; base-uri 'none'; form-action 'none'");
  });

  it("gives the search page its words, escaped, and the script that runs it under the page's own policy", () => {
    const html = staticSearchPage(
      page('<form method="get" action="/search" class="search" role="search"></form>'),
      { lang: 'en', noMatch: 'No "incident" <matches>', matches: { one: '{count} match', other: '{count} matches' }, refError: 'like INC-42' },
      '/static-search.js',
    );
    const data = /data-static-search="([^"]*)"/.exec(html)?.[1] ?? '';
    expect(data).not.toMatch(/[<>"]/);
    expect(
      JSON.parse(
        data
          .replace(/&quot;/g, '"')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      ).noMatch,
    ).toBe('No "incident" <matches>');
    expect(html).toContain('<script type="module" src="/static-search.js"></script></body>');
    expect(policyOf(html)).toBe(POLICY);
  });

  it('marks an incident page for the index with what the search narrows by, without changing what it reads', () => {
    const html = indexedIncidentPage(page(''), { ref: 'INC-7', severity: 'P2', startedAt: '2026-03-10T12:00:00.000Z', services: ['api', 'auth'] });
    expect(html).toContain('<p class="meta" data-pagefind-meta="line">Resolved · Minor impact</p>');
    for (const tag of [
      'data-pagefind-filter="service:api"',
      'data-pagefind-filter="service:auth"',
      'data-pagefind-filter="severity:P2"',
      'data-pagefind-meta="ref:INC-7"',
      'data-pagefind-meta="path:/incidents/INC-7"',
      'data-pagefind-meta="started:2026-03-10T12:00:00.000Z"',
    ]) {
      expect(html).toContain(tag);
    }
    expect(html.indexOf('data-pagefind-filter')).toBeLessThan(html.indexOf('</main>'));
  });
});
