/**
 * nginx in front of Herald, as ops/nginx/herald.conf sets it up: a real Herald (the built
 * server) and Debian's nginx on loopback, nginx serving the snapshot directory itself with the
 * configuration `npm run -s nginx-config` prints, and passing the rest to Herald.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNginxConfig } from '../../api/site/nginx-config.ts';
import { hasBrotliModule, nginxMissing, startNginx, type RunningNginx } from '../support/nginx.ts';
import { rawRequest, type RawAnswer } from '../support/raw-http.ts';
import { adminPost, removeDir, startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'e2e-nginx-admin-token-abcdefghijklmnopqrstuvwxyz';
const missing = nginxMissing();
if (missing) console.warn(`[nginx] Skipping the nginx tests: ${missing}.`);

/** The headers Herald sends with a published file that nginx must send alike. */
const SAME_HEADERS = [
  'content-type',
  'cache-control',
  'vary',
  'x-content-type-options',
  'referrer-policy',
  'access-control-allow-origin',
  'content-encoding',
] as const;
const ENCODINGS = ['br', 'gzip', null] as const;

let herald: RunningServer;
let nginx: RunningNginx;
let snapshotDir: string;

const waitFor = async (what: string, check: () => boolean, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** Every published file, by the URL path readers use for it. */
function publishedPaths(dir: string): string[] {
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((file) => !file.startsWith('.') && !/\.(br|gz)$/.test(file) && !file.includes('.tmp-'));
  return files.map((file) => (file === 'index.html' ? '/' : `/${file.replace(/\/index\.html$/, '')}`)).sort();
}

/** A page's policy as the browser enforces it: its header and its `<meta>` together, by directive. */
function effectivePolicy(answer: RawAnswer): Record<string, string> {
  const meta = /<meta http-equiv="content-security-policy" content="([^"]*)">/i.exec(answer.body.toString())?.[1]?.replace(/&#39;|&apos;/g, "'") ?? '';
  const directives: Record<string, string> = {};
  for (const policy of [answer.headers['content-security-policy'] ?? '', meta]) {
    for (const directive of policy.split(';')) {
      const [name, ...values] = directive.trim().split(/\s+/);
      if (name) directives[name.toLowerCase()] = values.join(' ');
    }
  }
  return directives;
}

const get = (base: string, path: string, encoding: string | null, extra: Record<string, string> = {}) =>
  rawRequest(`${base}${path}`, { headers: { accept: 'text/html,*/*', ...(encoding ? { 'accept-encoding': encoding } : {}), ...extra } });

/** What of an answer must be alike: status, bytes (decompressed), Herald's headers, the page's policy. */
function comparable(answer: RawAnswer) {
  const headers = Object.fromEntries(SAME_HEADERS.map((name) => [name, answer.headers[name]?.toLowerCase()]));
  return {
    status: answer.status,
    headers,
    policy: answer.headers['content-type']?.startsWith('text/html') ? effectivePolicy(answer) : null,
    body: answer.body.toString('base64'),
  };
}

/** Herald's answer and nginx's for one request; asked again once if they differ (a publish may fall between the two). */
async function both(path: string, encoding: string | null, extra: Record<string, string> = {}) {
  for (let attempt = 0; ; attempt++) {
    const [own, fronted] = await Promise.all([get(herald.url, path, encoding, extra), get(nginx.url, path, encoding, extra)]);
    if (attempt === 1 || JSON.stringify(comparable(own)) === JSON.stringify(comparable(fronted))) return { own, fronted };
  }
}

describe.skipIf(missing !== null)('nginx in front of Herald', () => {
  beforeAll(async () => {
    herald = await startServer({ HERALD_DEMO: 'true', HERALD_ADMIN_TOKEN: TOKEN, TRUST_PROXY: '1' });
    snapshotDir = join(herald.dir, 'snapshot');
    // The demo's archive pages are rendered in the background after the start.
    await waitFor('Herald publishing every page', () => herald.output().includes('Every page is published'));
    const upstream = new URL(herald.url).host;
    nginx = await startNginx((port) => renderNginxConfig({ listen: `127.0.0.1:${port}`, upstream, snapshot: snapshotDir, brotli: hasBrotliModule() }));
  });
  afterAll(async () => {
    await nginx?.stop();
    await herald?.stop();
    if (herald) removeDir(herald.dir);
  });

  it('serves every published page, feed, JSON document, badge and asset as Herald does, compressed and not', async () => {
    const paths = publishedPaths(snapshotDir);
    // The pages the issue names, among them: the page, an incident, the feed, the Statuspage summary, the embed.
    for (const path of ['/', '/incidents/INC-1', '/feed.xml', '/api/v2/summary.json', '/embed', '/badge.svg', '/history', '/404.html', '/maintenance.ics'])
      expect(paths).toContain(path);
    // The maintenance calendar, as calendar clients need it.
    expect((await get(nginx.url, '/maintenance.ics', null)).headers['content-type']).toBe('text/calendar; charset=utf-8');
    // Assets beside the pages (the stylesheet and icons are published as files).
    expect(paths.some((path) => /\.(svg|css|js|png|ico)$/.test(path))).toBe(true);
    for (const path of paths) {
      for (const encoding of ENCODINGS) {
        const { own, fronted } = await both(path, encoding);
        expect(own.status, `Herald ${path}`).toBe(200);
        expect(comparable(fronted), `${path} (${encoding ?? 'identity'})`).toEqual(comparable(own));
        // nginx sends the compressed copies Herald wrote, not copies of its own making.
        if (encoding && own.headers['content-encoding']) expect(fronted.raw.length, `${path} ${encoding}`).toBe(Number(own.headers['content-length']));
      }
    }
  });

  it('answers the directory spellings of a page as Herald does', async () => {
    for (const path of ['/history/', '/history/index.html', '/index.html', '/incidents/INC-1/']) {
      const { own, fronted } = await both(path, 'br');
      expect(own.status, path).toBe(200);
      expect(comparable(fronted), path).toEqual(comparable(own));
    }
  });

  it('lets only /embed be framed, and says so in a header', async () => {
    const embed = await get(nginx.url, '/embed', 'br');
    expect(effectivePolicy(embed)['frame-ancestors']).toBeUndefined();
    for (const path of ['/', '/incidents/INC-1', '/history']) {
      const page = await get(nginx.url, path, 'br');
      expect(page.headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
    }
  });

  it("answers a path that was never published with Herald's not-found page, and never shows files that are not the site", async () => {
    for (const path of ['/no-such-page', '/incidents/INC-99999', '/.publish.json', '/index.html.br', '/api/v2/summary.json.gz']) {
      const fronted = await get(nginx.url, path, 'br');
      const own = await get(herald.url, '/no-such-page', 'br');
      expect(fronted.status, path).toBe(404);
      expect(own.status).toBe(404);
      expect(fronted.headers['content-type']?.toLowerCase(), path).toBe(own.headers['content-type']?.toLowerCase());
      expect(fronted.body.toString(), path).toBe(own.body.toString());
      expect(effectivePolicy(fronted), path).toEqual(effectivePolicy(own));
      expect(fronted.headers['referrer-policy'], path).toBe(own.headers['referrer-policy']);
    }
  });

  it('answers a conditional GET with 304 when the copy is current, by ETag and by date, and 200 once it changed', async () => {
    for (const path of ['/', '/feed.xml', '/api/v2/summary.json']) {
      for (const encoding of ENCODINGS) {
        const first = await get(nginx.url, path, encoding);
        const etag = first.headers.etag as string;
        expect(etag, path).toBeTruthy();
        const byTag = await get(nginx.url, path, encoding, { 'if-none-match': etag });
        expect(byTag.status, `${path} If-None-Match`).toBe(304);
        expect(byTag.raw.length).toBe(0);
        // A 304 carries the headers the 200 would (RFC 9110 §15.4.5), as Herald's does.
        for (const name of ['cache-control', 'vary', 'referrer-policy', 'etag']) expect(byTag.headers[name], `${path} 304 ${name}`).toBe(first.headers[name]);
        const byDate = await get(nginx.url, path, encoding, { 'if-modified-since': first.headers['last-modified'] as string });
        expect(byDate.status, `${path} If-Modified-Since`).toBe(304);
        const later = new Date(Date.parse(first.headers['last-modified'] as string) + 60_000).toUTCString();
        expect((await get(nginx.url, path, encoding, { 'if-modified-since': later })).status, `${path} later date`).toBe(304);
        const earlier = new Date(Date.parse(first.headers['last-modified'] as string) - 1000).toUTCString();
        expect((await get(nginx.url, path, encoding, { 'if-modified-since': earlier })).status, `${path} earlier date`).toBe(200);
        expect((await get(nginx.url, path, encoding, { 'if-none-match': '"something-else"' })).status, `${path} other tag`).toBe(200);
      }
    }
  });

  it('passes health, metrics, search, the OpenAPI document and unknown API paths to Herald unchanged', async () => {
    const health = await get(nginx.url, '/healthz', null);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toMatchObject({ status: 'ok', database: 'ok' });
    expect(health.headers['cache-control']).toBe('no-store');
    expect((await get(nginx.url, '/healthz/freshness', null)).headers['content-type']).toContain('application/json');
    const metrics = await get(nginx.url, '/metrics', null);
    expect(metrics.status).toBe(200);
    expect(metrics.body.toString()).toContain('herald_publish_duration_seconds');
    const search = await both('/search?q=database', null);
    expect(search.fronted.status).toBe(200);
    expect(search.fronted.headers['cache-control']).toBe('no-store');
    expect(search.fronted.headers['referrer-policy']).toBe(search.own.headers['referrer-policy']);
    const openapi = await get(nginx.url, '/api/openapi.json', null);
    expect(JSON.parse(openapi.body.toString()).openapi).toMatch(/^3\./);
    const unknown = await both('/api/v2/nothing-here.json', null);
    expect(unknown.fronted.status).toBe(404);
    expect(unknown.fronted.headers['content-type']).toBe(unknown.own.headers['content-type']);
  });

  it('redirects a short link /i/N to the incident, without Herald', async () => {
    const fronted = await get(nginx.url, '/i/1', null);
    const own = await get(herald.url, '/i/1', null);
    expect(fronted.status).toBe(own.status);
    expect(fronted.headers.location).toBe(own.headers.location);
    expect((await get(nginx.url, '/i/0', null)).status).toBe(404);
  });

  it('takes an admin POST through nginx, and the new incident is served by nginx at once', async () => {
    const started = Date.now();
    const created = await adminPost(nginx.url, TOKEN, '/api/admin/incidents', {
      title: 'Fronted by nginx: exports stalled',
      severity: 'P2',
      status: 'investigating',
      message: 'Exports are stalled; we are looking into it.',
      services: [{ slug: 'api', status: 'degraded_performance' }],
      impact: 'Exports take longer than usual.',
    });
    const page = await get(nginx.url, `/incidents/${created.ref}`, 'br');
    const home = await get(nginx.url, '/', 'br');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('Fronted by nginx: exports stalled');
    expect(home.body.toString()).toContain('Fronted by nginx: exports stalled');
    // The admin API's reads go through too.
    const list = await rawRequest(`${nginx.url}/api/admin/incidents`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(JSON.parse(list.body.toString()).incidents.map((i: { ref: string }) => i.ref)).toContain(created.ref);
  });

  it("takes the desk's form posts through nginx as from Herald's own origin", async () => {
    const signIn = await rawRequest(`${nginx.url}/admin/sign-in`, { headers: { accept: 'text/html' } });
    expect(signIn.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(signIn.body.toString())?.[1];
    const cookie = (signIn.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    const body = new URLSearchParams({ ...(csrf ? { csrf } : {}), email: 'nobody@example.com', password: 'not the password' }).toString();
    const posted = await rawRequest(`${nginx.url}/admin/sign-in`, {
      method: 'POST',
      headers: {
        accept: 'text/html',
        origin: nginx.url,
        cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    // Refused for the wrong password, not for coming from another site.
    expect(posted.body.toString()).not.toContain('posted from another site');
    expect([200, 401, 400]).toContain(posted.status);
  });

  it('never serves half a page while pages are rewritten under readers', async () => {
    const { ref } = await adminPost(nginx.url, TOKEN, '/api/admin/incidents', {
      title: 'Storm of updates',
      severity: 'P3',
      status: 'investigating',
      message: 'First.',
      services: [{ slug: 'cdn', status: 'degraded_performance' }],
    });
    let writing = true;
    const problems: string[] = [];
    const readers = Array.from({ length: 4 }, async () => {
      let reads = 0;
      while (writing && reads < 2000) {
        for (const [path, encoding] of [
          ['/', 'br'],
          [`/incidents/${ref}`, 'gzip'],
          ['/api/v2/summary.json', null],
        ] as const) {
          reads++;
          try {
            const answer = await get(nginx.url, path, encoding);
            if (answer.status !== 200) problems.push(`${path}: ${answer.status}`);
            else if (answer.raw.length !== Number(answer.headers['content-length']))
              problems.push(`${path}: ${answer.raw.length} of ${answer.headers['content-length']} bytes`);
            else if (path === '/api/v2/summary.json') JSON.parse(answer.body.toString());
            else if (!/<\/html>$/.test(answer.body.toString().trimEnd())) problems.push(`${path}: a page that does not end`);
          } catch (error) {
            problems.push(`${path}: ${(error as Error).message}`);
          }
        }
      }
      return reads;
    });
    try {
      for (let i = 0; i < 10; i++) {
        await adminPost(nginx.url, TOKEN, `/api/admin/incidents/${ref}/updates`, {
          status: 'investigating',
          message: `Update ${i}: ${'still looking. '.repeat(i * 20)}`,
        });
      }
    } finally {
      writing = false;
    }
    const reads = await Promise.all(readers);
    expect(problems).toEqual([]);
    expect(reads.reduce((a, b) => a + b, 0)).toBeGreaterThan(30);
    expect(nginx.errors()).not.toMatch(/\[(error|crit|alert|emerg)\]/);
  });
});
