/**
 * Past maintenance on the public pages, rendered by the built Astro bundle (`npm run build`) as
 * the publisher renders them into the snapshot: a window that ran is listed in /history under
 * its month and on the page of each service it affected, with its times (zone named), its
 * duration and its services; one called off before it started is not history.
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
  t = await makeTestApp({ renderPage, start: '2026-03-12T09:00:00.000Z' });
});

/** A window scheduled on 10 March 22:00–00:00, started and ended by the transitions job on time. */
async function runWindow(overrides: Parameters<typeof makeMaintenance>[0]): Promise<void> {
  const input = makeMaintenance(overrides);
  const now = t.clock.now();
  t.clock.set('2026-03-10T12:00:00.000Z');
  expect((await t.call('POST', '/api/admin/maintenance', input)).status).toBe(201);
  t.clock.set(input.scheduledFor);
  await t.herald.maintenance.tick();
  t.clock.set(input.scheduledUntil);
  await t.herald.maintenance.tick();
  t.clock.set(now);
  await t.publisher.publish('all');
}

const page = (path: string) => t.snapshot.get(path)?.body.toString() ?? '';
/** The part of a page from one heading's text to the next h2. */
const section = (html: string, heading: string) => {
  const at = html.indexOf(heading);
  if (at < 0) return '';
  const next = html.indexOf('<h2', at);
  return html.slice(at, next < 0 ? undefined : next);
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('completed maintenance in the history', () => {
  it('lists a window that ran in /history under its month, with its times in UTC, duration and services', async () => {
    // 22:00–00:00 on 10 March, run to completion by the transitions job.
    await runWindow({ title: 'Database upgrade', services: ['api', 'database'] });
    const march = section(page('/history'), 'March 2026');
    expect(march).toContain('Completed maintenance');
    expect(march).toContain('href="/maintenance/MNT-1"');
    const words = text(march);
    expect(words).toContain('Database upgrade');
    expect(words).toMatch(/MNT-1 · 10 Mar 2026 22:00 UTC to 11 Mar 2026 00:00 UTC · lasted 2 h/);
    expect(words).toMatch(/Affects [^.]*API[^.]*Database/i);
  });

  it('lists a month that had maintenance and no incident', async () => {
    await runWindow({ title: 'Network switch swap', services: ['cdn'] });
    const history = page('/history');
    expect(history).toContain('<h2 id="m-2026-03">');
    expect(history).not.toContain('Every incident of March 2026');
  });

  it('shows it under "Recent maintenance" on the page of each service it affected, and not on others', async () => {
    await runWindow({ title: 'Database upgrade', services: ['api', 'database'] });
    for (const slug of ['api', 'database']) {
      const recent = section(page(`/services/${slug}`), 'Recent maintenance');
      expect(recent, slug).toContain('href="/maintenance/MNT-1"');
      expect(text(recent), slug).toContain('lasted 2 h');
    }
    expect(page('/services/cdn')).not.toContain('Recent maintenance');
  });

  it('leaves out a window called off before it started', async () => {
    await t.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Called-off upgrade' }));
    await t.call('POST', '/api/admin/maintenance/MNT-1/updates', { status: 'completed', message: 'Called off.' });
    expect(page('/history')).not.toContain('Called-off upgrade');
    expect(page('/services/api')).not.toContain('Recent maintenance');
  });
});
