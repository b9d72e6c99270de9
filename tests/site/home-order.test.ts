import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadAstroRenderer } from '../../api/site/astro-renderer.ts';
import { makeIncident } from '../support/factories.ts';
import { makeTestApp, PUBLIC_URL } from '../support/app.ts';
import { ROOT } from '../support/server.ts';

it('lists active incidents on the home page by severity, then the most recently started first', async () => {
  const t = await makeTestApp({ renderPage: await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL) });
  const declare = async (title: string, severity: 'P0' | 'P1' | 'P2' | 'P3') => {
    expect((await t.call('POST', '/api/admin/incidents', makeIncident({ title, severity }))).status).toBe(201);
    t.clock.advance(5 * 60_000);
  };
  await declare('Older minor slowness', 'P2');
  await declare('Checkout is down', 'P0');
  await declare('Newer minor slowness', 'P2');
  await declare('Cosmetic glitch', 'P3');
  await declare('Logins failing', 'P1');
  const html = t.snapshot.get('/')?.body.toString() ?? '';
  const active = html.slice(html.indexOf('id="active"'));
  const order = ['Checkout is down', 'Logins failing', 'Newer minor slowness', 'Older minor slowness', 'Cosmetic glitch'].map((title) => active.indexOf(title));
  expect(order.every((at) => at > 0)).toBe(true);
  expect(order).toEqual([...order].sort((a, b) => a - b));
});
