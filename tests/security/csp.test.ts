import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { narrowPolicy, policyOf } from '../../api/platform/http/csp.ts';
import { makeIncident } from '../support/factories.ts';
import { makeDesk, type Desk } from '../support/desk.ts';

let d: Desk;
let ref: string;
let hostile: string;
beforeAll(async () => {
  d = await makeDesk();
  await d.addUser('comms@example.test', 'comms');
  ref = (await d.call('POST', '/api/admin/incidents', makeIncident({ title: 'Checkout requests failing' }))).json.ref;
  hostile = (
    await d.call(
      'POST',
      '/api/admin/incidents',
      makeIncident({ title: 'Checkout <script>alert(1)</script> failing', message: 'Payments **fail** <img src=x onerror=alert(2)>' }),
    )
  ).json.ref;
});

/** The directives of a policy, by name. */
const directives = (policy: string): Map<string, string[]> =>
  new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name as string, values]),
  );

/**
 * Every inline script and style of a page, as the CSP hash of its text. Crude (text typed into
 * a form field's value="…" could look like a script to it), so the pages it reads here carry
 * no such text; the browser test counts real elements.
 */
const inlineHashes = (html: string, tag: 'script' | 'style'): string[] =>
  [...html.matchAll(new RegExp(`<${tag}(?![^>]*\\ssrc=)[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] as string)
        .digest('base64')}'`,
  );

/** What a page's policy must say, whoever serves it. */
function expectStrictPolicy(policy: string, html: string) {
  const d = directives(policy);
  const scripts = d.get('script-src') ?? [];
  expect(scripts, policy).not.toContain("'unsafe-inline'");
  expect(scripts).not.toContain("'unsafe-eval'");
  expect(d.get('object-src')).toEqual(["'none'"]);
  expect(d.get('base-uri')).toEqual(["'none'"]);
  expect(d.get('default-src')).toEqual(["'self'"]);
  // Each inline script and style the page carries is allowed by its hash, and only those of the build.
  const inline = inlineHashes(html, 'script');
  for (const hash of inline) expect(scripts, hash).toContain(hash);
  for (const hash of inlineHashes(html, 'style')) expect(d.get('style-src'), hash).toContain(hash);
  return { inlineScripts: inline.length, d };
}

describe('public pages', () => {
  it.each(['/', '/history', '/services/api', '/incidents/INC-1'])('%s allows no inline script but its own, by hash', async (path) => {
    const res = await d.get(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    const policy = res.headers.get('content-security-policy') ?? '';
    const { inlineScripts, d: parsed } = expectStrictPolicy(policy, html);
    expect(inlineScripts).toBeGreaterThan(0);
    // Only the page's own: no hash of another page's script or style.
    const hashes = (name: string) => (parsed.get(name) ?? []).filter((token) => token.startsWith("'sha")).sort();
    expect(hashes('script-src')).toEqual([...new Set(inlineHashes(html, 'script'))].sort());
    expect(hashes('style-src')).toEqual([...new Set(inlineHashes(html, 'style'))].sort());
    // The same policy travels inside the page, for static hosts and CDNs that send no headers
    // (but for frame-ancestors, which only a header can say).
    expect(`${policyOf(html).replace(/;\s*$/, '')}; frame-ancestors 'none'`).toBe(policy);
    expect(html.indexOf('http-equiv="content-security-policy"')).toBeLessThan(html.search(/<(script|style)/));
    // Only /embed is made to be framed by other sites; framing a page is how clickjacking starts.
    expect(directives(policy).get('frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });

  it('does not let text that looks like a script into the policy', async () => {
    const res = await d.get(`/incidents/${hostile}`);
    const html = await res.text();
    const policy = res.headers.get('content-security-policy') ?? '';
    expectStrictPolicy(policy, html);
    const injected = `'sha256-${createHash('sha256').update('alert(1)').digest('base64')}'`;
    expect(policy).not.toContain(injected);
    expect(policy).toBe((await d.get(`/incidents/${ref}`)).headers.get('content-security-policy'));
  });

  it('serves the not-found page with the same policy', async () => {
    const res = await d.app.request('/no-such-page', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    const policy = res.headers.get('content-security-policy') ?? '';
    expectStrictPolicy(policy, await res.text());
    expect(directives(policy).get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('lets other sites frame /embed alone, which runs no script and carries its own policy', async () => {
    const res = await d.get('/embed');
    expect(res.status).toBe(200);
    const html = await res.text();
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(policy).toBe(policyOf(html).replace(/;\s*$/, ''));
    expect(directives(policy).has('frame-ancestors')).toBe(false);
    expect(directives(policy).get('default-src')).toEqual(["'none'"]);
    expect(inlineHashes(html, 'script')).toEqual([]);
    for (const hash of inlineHashes(html, 'style')) expect(directives(policy).get('style-src')).toContain(hash);
  });

  it('says a referrer policy on JSON and feeds too', async () => {
    for (const path of ['/api/v2/summary.json', '/feed.xml', '/api/openapi.json', '/healthz']) {
      expect((await d.get(path)).headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
    }
  });
});

describe('the desk', () => {
  it('sends a script policy with hashes, refuses framing and is never cached, signed in or not', async () => {
    const { cookie } = await d.signIn('comms@example.test');
    for (const [path, who] of [
      ['/admin/sign-in', undefined],
      ['/admin', cookie],
      ['/admin/incidents/new', cookie],
      [`/admin/incidents/${ref}`, cookie],
    ] as const) {
      const res = await d.get(path, who);
      expect(res.status, path).toBe(200);
      const policy = res.headers.get('content-security-policy') ?? '';
      const { d: parsed } = expectStrictPolicy(policy, await res.text());
      expect(parsed.get('frame-ancestors'), path).toEqual(["'none'"]);
      expect(parsed.get('form-action')).toEqual(["'self'"]);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
    }
  });
});

describe("a page's policy, narrowed from the build's", () => {
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const build = `default-src 'self'; script-src 'self' ${hash('one()')} ${hash('two()')}; style-src 'self' ${hash('a{}')} ${hash('b{}')}; object-src 'none'`;

  it("keeps the hashes of the page's own inline scripts and styles, and every other source", () => {
    const page = '<head><style>a{}</style><script src="/x.js"></script></head><body><script type="module">one()</script></body>';
    expect(narrowPolicy(page, build)).toBe(`default-src 'self'; script-src 'self' ${hash('one()')}; style-src 'self' ${hash('a{}')}; object-src 'none'`);
  });

  it('keeps no hash for a page with nothing inline', () => {
    expect(narrowPolicy('<p>plain</p>', build)).toBe("default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'");
  });

  it("keeps the build's policy whole when it cannot read the page for certain", () => {
    // An inline element whose hash the build did not list: read wrongly, or not the build's.
    expect(narrowPolicy('<script>three()</script>', build)).toBe(build);
    // An opening tag the pattern cannot read whole (no end tag).
    expect(narrowPolicy('<script>one()</script><style>a{}', build)).toBe(build);
  });
});
