/**
 * Following the writes of other processes (`publisher.follow`): the publish sequence in the
 * database is polled, and what no publish of this process covered is published — once, and
 * never a second time for a write this process is already publishing itself.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../api/platform/log/log.ts';
import { createPublisher, type PublishScope } from '../../api/site/publisher.ts';
import { Snapshot } from '../../api/site/snapshot.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../support/app.ts';
import { makeIncident } from '../support/factories.ts';

/** A second publisher on the test app's database, as another process has; its pages wait while `hold` is on. */
function secondProcess(t: TestApp) {
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  let rendering = 0;
  const publisher = createPublisher({
    db: t.db,
    clock: t.clock,
    snapshot: new Snapshot(null),
    renderPage: async (path) => {
      rendering++;
      await gate;
      return `<!doctype html><title>${path}</title>`;
    },
    settings: t.settings,
    publicUrl: PUBLIC_URL,
    updateIntervalMinutes: t.config.updateIntervalMinutes,
    log: silentLog,
  });
  const followed: PublishScope[] = [];
  return {
    publisher,
    followed,
    rendering: () => rendering,
    hold: () => (gate = new Promise<void>((resolve) => (release = resolve))),
    release: () => release(),
    follow: () => publisher.follow(2, (scope) => (followed.push(scope), publisher.publish(scope))),
  };
}

const until = async (check: () => boolean) => {
  while (!check()) await sleep(2);
};

describe('following other processes’ writes', () => {
  it('publishes a write made elsewhere, once', async () => {
    const t = await makeTestApp();
    const other = secondProcess(t);
    await other.publisher.publish('all');
    const stop = other.follow();
    expect((await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Written elsewhere' }))).status).toBe(201);
    await until(() => other.followed.length > 0);
    await sleep(30);
    await stop();
    expect(other.followed).toHaveLength(1);
    expect(other.publisher.current()?.incidents.map((i) => i.title)).toContain('Written elsewhere');
  });

  it('does not publish again a write its own publish is rendering', async () => {
    const t = await makeTestApp();
    const other = secondProcess(t);
    await other.publisher.publish('all');
    expect((await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Written here' }))).status).toBe(201);
    // The write's own publish, held half-way through its pages while the follower polls.
    other.hold();
    const before = other.rendering();
    const own = other.publisher.publish({ incidents: [] });
    await until(() => other.rendering() > before);
    const stop = other.follow();
    await sleep(30);
    other.release();
    await own;
    await sleep(30);
    await stop();
    expect(other.followed).toEqual([]);
    expect(other.publisher.current()?.incidents.map((i) => i.title)).toContain('Written here');
  });
});
