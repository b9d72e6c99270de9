/**
 * The public forms with the database gone, as a browser posts them: a page that says what
 * happened and what to do (503), never the API's JSON; scripts still get the JSON error.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAstroRenderer } from '../../api/site/astro-renderer.ts';
import type { PageRenderer } from '../../api/site/publisher.ts';
import { makeTestApp, PUBLIC_URL } from '../support/app.ts';
import { ROOT } from '../support/server.ts';

let renderPage: PageRenderer;
beforeAll(async () => {
  renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
});

describe('the subscribe form with the database down', () => {
  it('answers a browser with a page saying nothing was saved and to try again', async () => {
    const t = await makeTestApp({ renderPage });
    t.db.close();
    const res = await t.app.request('/subscribe', {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC_URL },
      body: 'email=reader%40example.com',
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<h1>Subscribing is unavailable for a moment</h1>');
    expect(html).toContain('Nothing was saved');
    expect(html).toContain('href="/#subscribe-email"');
  });

  it('still answers a script with the JSON error', async () => {
    const t = await makeTestApp({ renderPage });
    t.db.close();
    const res = await t.app.request('/subscribe', {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC_URL },
      body: 'email=reader%40example.com',
    });
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('database_unavailable');
  });
});
