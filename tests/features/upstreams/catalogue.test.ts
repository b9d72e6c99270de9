/**
 * The catalogue decides which services follow a provider, at every start: a service named with
 * an `upstream` is shown as following it (its status unknown until the first good read), and one
 * whose `upstream` is removed stops — on the same database, across restarts.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_DIR, makeTestApp, type TestApp } from '../../support/app.ts';
import { removeDir } from '../../support/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'herald-upstream-sync-'));
afterAll(() => removeDir(dir));

function content(upstream?: unknown): string {
  const folder = mkdtempSync(join(dir, 'content-'));
  cpSync(CONTENT_DIR, folder, { recursive: true });
  const service = { slug: 'payments', name: 'Payments', ...(upstream ? { upstream } : {}) };
  writeFileSync(join(folder, 'services.json'), JSON.stringify({ groups: [{ slug: 'p', name: 'Providers', services: [service] }] }));
  return folder;
}

const start = (contentDir: string) =>
  makeTestApp({ env: { CONTENT_DIR: contentDir, DATABASE_URL: `file:${join(dir, 'herald.db')}`, WEBHOOK_ALLOW_LOCAL: 'true' } });

const payments = async (t: TestApp) =>
  ((await t.call('GET', '/api/v2/components.json')).json.components as Record<string, unknown>[]).find((c) => c.id === 'payments');

describe('following a provider, as the catalogue says at start', () => {
  it('shows a newly declared provider as unknown until it is read, and forgets it when the declaration goes', async () => {
    const first = await start(content({ url: 'http://127.0.0.1:9/api/v2/components.json', component: 'Payments' }));
    expect(await payments(first)).toMatchObject({
      status: 'degraded_performance',
      herald_status: 'unknown',
      upstream: { provider: '127.0.0.1:9', page_url: 'http://127.0.0.1:9/', status: null, known: false, read_at: null },
    });
    first.db.close();

    const second = await start(content());
    const shown = await payments(second);
    expect(shown).toMatchObject({ status: 'operational' });
    expect(shown).not.toHaveProperty('upstream');
    expect(shown).not.toHaveProperty('herald_status');
    expect((await second.call('GET', '/healthz')).json).not.toHaveProperty('upstreams');
    second.db.close();
  });
});
