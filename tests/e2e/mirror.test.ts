/**
 * A mirror that outlives the host: Herald runs `rclone copy` after each publish (MIRROR_COMMAND),
 * copying to a local directory that a second nginx serves as a static host would — as a CDN
 * in front of a bucket would. The real server, rclone and nginx.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNginxConfig } from '../../api/site/nginx-config.ts';
import { hasBrotliModule, nginxMissing, startNginx, type RunningNginx } from '../support/nginx.ts';
import { rawRequest } from '../support/raw-http.ts';
import { adminPost, removeDir, startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'e2e-mirror-admin-token-abcdefghijklmnopqrstuvwxyz';
const missing = existsSync('/usr/bin/rclone') ? nginxMissing() : 'rclone is not installed (Debian: apt-get install rclone)';
if (missing) console.warn(`[Mirror] Skipping the mirror tests: ${missing}.`);

let base: string;
let remote: string;
let herald: RunningServer;
let mirrorHost: RunningNginx;

const waitFor = async <T>(what: string, check: () => Promise<T | false | undefined | null>, ms = 20_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

type Health = {
  status: string;
  mirror?: { state: string; lagSeconds: number; pendingFiles: number; consecutiveFailures: number; lastError: string | null; lastSuccessAt: string | null };
};
const health = async (): Promise<{ status: number; body: Health }> => {
  const answer = await rawRequest(`${herald.url}/healthz`);
  return { status: answer.status, body: JSON.parse(answer.body.toString()) as Health };
};
const metric = async (name: string): Promise<number | undefined> => {
  const text = (await rawRequest(`${herald.url}/metrics`)).body.toString();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ').at(-1)) : undefined;
};
const runs = async (outcome: 'ok' | 'failed') => {
  const text = (await rawRequest(`${herald.url}/metrics`)).body.toString();
  return Number(new RegExp(`^herald_mirror_runs_total\\{outcome="${outcome}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
};
const mirrored = (path: string) => rawRequest(`${mirrorHost.url}${path}`, { headers: { accept: 'text/html', 'accept-encoding': 'br' } });
const caughtUp = async () => {
  const { body } = await health();
  return body.mirror?.state === 'ok' && body.mirror.pendingFiles === 0 && body.mirror.lastSuccessAt !== null;
};

describe.skipIf(missing !== null)('a mirror copied with rclone and served by another nginx', () => {
  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'herald-mirror-e2e-'));
    remote = join(base, 'remote');
    mkdirSync(remote);
    herald = await startServer({ HERALD_DEMO: 'true', HERALD_ADMIN_TOKEN: TOKEN, MIRROR_COMMAND: `rclone copy --files-from {files} {dir} ${remote}` });
    // Nothing behind it: the mirror is a static host.
    mirrorHost = await startNginx((port) =>
      renderNginxConfig({ listen: `127.0.0.1:${port}`, upstream: '127.0.0.1:9', snapshot: remote, brotli: hasBrotliModule() }),
    );
    await waitFor('Herald publishing every page', async () => herald.output().includes('Every page is published'), 30_000);
    await waitFor(
      'the mirror catching up with the whole site',
      async () => (await caughtUp()) && existsSync(join(remote, 'incidents', 'INC-1', 'index.html')),
      30_000,
    );
  });
  afterAll(async () => {
    await mirrorHost?.stop();
    await herald?.stop();
    if (herald) removeDir(herald.dir);
    if (base) removeDir(base);
  });

  it('holds the whole site after the start, as Herald serves it', async () => {
    for (const path of ['/', '/incidents/INC-1', '/history', '/feed.xml', '/api/v2/summary.json', '/embed', '/badge.svg']) {
      const [own, copy] = await Promise.all([rawRequest(`${herald.url}${path}`, { headers: { 'accept-encoding': 'br' } }), mirrored(path)]);
      expect(copy.status, path).toBe(200);
      expect(copy.body.toString(), path).toBe(own.body.toString());
    }
    expect(await health()).toMatchObject({
      status: 200,
      body: { status: 'ok', mirror: { state: 'ok', lagSeconds: 0, consecutiveFailures: 0, lastError: null } },
    });
    expect(await runs('ok')).toBeGreaterThanOrEqual(1);
    expect(await metric('herald_mirror_lag_seconds')).toBe(0);
  });

  it('shows a write within 5 s', async () => {
    const started = Date.now();
    const { ref } = await adminPost(herald.url, TOKEN, '/api/admin/incidents', {
      title: 'Mirrored: webhooks delayed',
      severity: 'P2',
      status: 'investigating',
      message: 'Webhook deliveries are delayed.',
      services: [{ slug: 'api', status: 'degraded_performance' }],
    });
    const seen = await waitFor('the incident on the mirror', async () => (await mirrored(`/incidents/${ref}`)).status === 200 && Date.now(), 5000);
    expect(seen - started).toBeLessThan(5000);
    expect((await mirrored(`/incidents/${ref}`)).body.toString()).toContain('Mirrored: webhooks delayed');
    await waitFor('the home page on the mirror', async () => (await mirrored('/')).body.toString().includes('Mirrored: webhooks delayed'), 5000);
  });

  it('retries a copy the remote refuses, says so on /healthz and /metrics, never holding up a publish, and catches up', async () => {
    const list = JSON.parse((await rawRequest(`${herald.url}/api/admin/incidents`, { headers: { authorization: `Bearer ${TOKEN}` } })).body.toString()) as {
      incidents: { ref: string }[];
    };
    const next = `INC-${Math.max(...list.incidents.map((i) => Number(i.ref.slice(4)))) + 1}`;
    // The remote refuses the new page: where its directory goes, there is a file.
    mkdirSync(join(remote, 'incidents'), { recursive: true });
    writeFileSync(join(remote, 'incidents', next), 'in the way');
    const failedBefore = await runs('failed');
    const started = Date.now();
    const { ref } = await adminPost(herald.url, TOKEN, '/api/admin/incidents', {
      title: 'Refused by the remote',
      severity: 'P3',
      status: 'investigating',
      message: 'Testing a refusing remote.',
      services: [{ slug: 'cdn', status: 'degraded_performance' }],
    });
    expect(ref).toBe(next);
    // Published and served by Herald at once, whatever the mirror does.
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await rawRequest(`${herald.url}/incidents/${ref}`)).status).toBe(200);
    const failing = await waitFor('the mirror reporting the failure', async () => {
      const { status, body } = await health();
      return body.mirror?.state === 'failing' && { status, body };
    });
    // Failing, but not for longer than MIRROR_MAX_LAG_SECONDS (2 minutes): the page is still fresh enough.
    expect(failing.status).toBe(200);
    expect(failing.body.mirror?.lastError).toMatch(/^\[Mirror\] rclone exited with \d+\. It said: .*not a directory/);
    expect(failing.body.mirror?.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(failing.body.mirror?.lagSeconds).toBeGreaterThan(0);
    expect(await runs('failed')).toBeGreaterThan(failedBefore);
    expect(await metric('herald_mirror_failures_total')).toBeGreaterThanOrEqual(1);
    expect(await metric('herald_mirror_consecutive_failures')).toBeGreaterThanOrEqual(1);
    expect(herald.output()).toContain('[Mirror] rclone exited with');
    // The remote takes it again: the next retry (2 s, 4 s, … after) copies it.
    rmSync(join(remote, 'incidents', next));
    await waitFor('the mirror catching up', caughtUp, 20_000);
    expect((await mirrored(`/incidents/${ref}`)).body.toString()).toContain('Refused by the remote');
    expect((await health()).body.mirror).toMatchObject({ state: 'ok', lagSeconds: 0, consecutiveFailures: 0, lastError: null });
  });

  it('keeps serving the last good copy when Herald is stopped', async () => {
    const before = (await mirrored('/')).body.toString();
    expect(await herald.stop()).toBe(0);
    for (const path of ['/', '/incidents/INC-1', '/api/v2/summary.json']) expect((await mirrored(path)).status, path).toBe(200);
    expect((await mirrored('/')).body.toString()).toBe(before);
    expect(before).toContain('Refused by the remote');
  });
});
