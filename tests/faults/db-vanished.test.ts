/**
 * The database file deleted or replaced under a running Herald (default settings): it notices,
 * says so on /healthz and in the log, refuses writes rather than write into a file that is gone,
 * and keeps serving the site. Started again on a new database, it never serves pages the old one
 * published.
 */
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeIncident } from '../support/factories.ts';
import { adminPost, removeDir, startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'vanished-file-admin-token-0123456789ab';
const dirs: string[] = [];
const running: RunningServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  dirs.splice(0).forEach(removeDir);
});

async function start(dir?: string): Promise<RunningServer> {
  const server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN }, dir);
  running.push(server);
  if (!dirs.includes(server.dir)) dirs.push(server.dir);
  return server;
}

const declare = (url: string, title: string) =>
  fetch(`${url}/api/admin/incidents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(makeIncident({ title })),
  });

/** /healthz, asked every 100 ms until it is not 200 (at most 10 s). */
async function healthOnceWrong(url: string): Promise<{ status: number; body: { status: string; database: string; databaseProblem?: string } }> {
  const until = Date.now() + 10_000;
  for (;;) {
    const response = await fetch(`${url}/healthz`);
    if (response.status !== 200 || Date.now() > until) return { status: response.status, body: await response.json() };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the database file, under a running Herald', () => {
  it.each([
    ['deleted', 'missing', (file: string) => rmSync(file)],
    [
      'replaced',
      'replaced',
      (file: string) => {
        copyFileSync(file, `${file}.copy`);
        renameSync(`${file}.copy`, file);
      },
    ],
  ] as const)('%s: /healthz and the log say so, writes are refused, the site is still served', async (_how, state, change) => {
    const server = await start();
    const { ref } = await adminPost(server.url, TOKEN, '/api/admin/incidents', makeIncident({ title: 'Before the file changed' }));
    change(join(server.dir, 'herald.db'));

    const health = await healthOnceWrong(server.url);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'degraded',
      database: state,
      databaseProblem: expect.stringContaining(`[Database] The database file ${join(server.dir, 'herald.db')}`),
    });
    const refused = await declare(server.url, 'Written into a vanished file');
    expect(refused.status).toBe(503);
    expect((await refused.json()).error.code).toBe('database_unavailable');
    expect((await fetch(`${server.url}/incidents/${ref}`)).status).toBe(200);
    // Within the watch's 5 s, the log says it too, on its own line (not only as a failed request's cause).
    const said = () =>
      server
        .output()
        .split('\n')
        .find((line) => line.includes('"job":"database"'));
    const until = Date.now() + 10_000;
    while (!said() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(JSON.parse(said() ?? '{}')).toMatchObject({ level: 'error', msg: expect.stringMatching(/^\[Database\] The database file .* (deleted|replaced)/) });
  });

  it.each([
    ['naming the old database', false],
    ['naming none (an older Herald’s)', true],
  ])('started again on a new database, with a snapshot %s, serves none of the pages the old one published', async (_what, withoutNote) => {
    const first = await start();
    const gone = await adminPost(first.url, TOKEN, '/api/admin/incidents', makeIncident({ title: 'Published from the old database' }));
    const also = await adminPost(first.url, TOKEN, '/api/admin/incidents', makeIncident({ title: 'Also from the old database' }));
    expect(await first.stop()).toBe(0);
    running.splice(running.indexOf(first), 1);
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(first.dir, `herald.db${suffix}`), { force: true });
    if (withoutNote) rmSync(join(first.dir, 'snapshot', '.database.json'));

    const second = await start(first.dir);
    for (const { ref } of [gone, also]) expect((await fetch(`${second.url}/incidents/${ref}`)).status, ref).toBe(404);
    expect(await (await fetch(`${second.url}/`)).text()).not.toContain('Published from the old database');
    expect(second.output()).toContain('[Publish] The snapshot in');
    // Numbers start again, and the page for INC-1 is the new incident's.
    const fresh = await adminPost(second.url, TOKEN, '/api/admin/incidents', makeIncident({ title: 'The first of the new database' }));
    expect(fresh.ref).toBe(gone.ref);
    const page = await (await fetch(`${second.url}/incidents/${fresh.ref}`)).text();
    expect(page).toContain('The first of the new database');
    expect(page).not.toContain('Published from the old database');
  });

  it('keeps a snapshot that names no database (an older Herald’s, an export’s) when the database is not new', async () => {
    const first = await start();
    const kept = await adminPost(first.url, TOKEN, '/api/admin/incidents', makeIncident({ title: 'Published before the note existed' }));
    expect(await first.stop()).toBe(0);
    running.splice(running.indexOf(first), 1);
    rmSync(join(first.dir, 'snapshot', '.database.json'));

    const second = await start(first.dir);
    expect(second.output()).not.toContain('[Publish] The snapshot in');
    expect(await (await fetch(`${second.url}/incidents/${kept.ref}`)).text()).toContain('Published before the note existed');
  });
});
