/**
 * The maintenance parts of the public pages, rendered by the built Astro bundle (`npm run build`;
 * HERALD_DIST_DIR points elsewhere) exactly as the publisher renders them into the snapshot.
 */
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadAstroRenderer } from '../../api/site/astro-renderer.ts';
import type { PageRenderer } from '../../api/site/publisher.ts';
import { makeMaintenance } from '../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../support/app.ts';
import { ROOT } from '../support/server.ts';

let renderPage: PageRenderer;
let t: TestApp;
beforeAll(async () => {
  renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
});
beforeEach(async () => {
  t = await makeTestApp({ renderPage });
});

const page = (path: string) => t.snapshot.get(path)?.body.toString() ?? '';
const headings = (html: string) => [...html.matchAll(/<h([1-6])[^>]*>/g)].map((m) => Number(m[1]));

describe('maintenance on the public pages', () => {
  it('shows nothing about maintenance on the home page when none is planned', () => {
    expect(page('/')).not.toContain('maintenance-upcoming');
    expect(page('/')).not.toContain('Maintenance in progress');
  });

  it('lists an upcoming window on the home page with its times and a link', async () => {
    await t.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Database upgrade' }));
    const home = page('/');
    expect(home).toContain('Upcoming maintenance');
    expect(home).toContain('href="/maintenance/MNT-1"');
    expect(home).toContain('<time datetime="2026-03-10T22:00:00.000Z"');
    expect(home).toContain('Scheduled');
    expect(home).not.toContain('Maintenance in progress');
  });

  it('moves it to "Maintenance in progress" once started', async () => {
    await t.call('POST', '/api/admin/maintenance', makeMaintenance());
    await t.call('POST', '/api/admin/maintenance/MNT-1/updates', { status: 'in_progress', message: 'Starting now.' });
    const home = page('/');
    expect(home).toContain('Maintenance in progress');
    expect(home).not.toContain('Upcoming maintenance');
    expect(home).toContain('In progress');
    const levels = headings(home);
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
  });

  it('publishes a page per window with its timeline, status in words and headings in order', async () => {
    await t.call('POST', '/api/admin/maintenance', makeMaintenance({ message: 'We upgrade the **primary** database.' }));
    await t.call('POST', '/api/admin/maintenance/MNT-1/updates', { status: 'completed', message: 'Called off.' });
    const html = page('/maintenance/MNT-1');
    expect(html).toContain('<h1');
    expect(html).toContain('Database upgrade');
    expect(html).toContain('<strong>primary</strong>');
    expect(html).toContain('Called off.');
    // Called off before it started: customers read that it was cancelled, not completed.
    expect(html).toContain('Cancelled');
    expect(html).not.toContain('Completed');
    expect(html).toContain('<time datetime="2026-03-11T00:00:00.000Z"');
    const levels = headings(html);
    expect(levels[0]).toBe(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
  });
});
