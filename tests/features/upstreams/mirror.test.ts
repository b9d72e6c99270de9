/**
 * A service that follows another status page: a second Herald on loopback is the provider.
 * Its outage becomes the mirrored service's within two poll intervals, its resolution too, a
 * person's open incident holds the mirrored status, and a provider that stops answering is
 * shown as unknown — never as operational.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../../api/features/audit/store.ts';
import { loadAstroRenderer } from '../../../api/site/astro-renderer.ts';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { CONTENT_DIR, makeTestApp, PUBLIC_URL, type TestApp } from '../../support/app.ts';
import { ROOT } from '../../support/server.ts';

/** A short poll: UPSTREAM_POLL_SECONDS is an operator's setting (60 by default). */
const POLL_SECONDS = 1;
const POLL_MS = POLL_SECONDS * 1000;

let provider: TestApp;
let providerServer: Server;
let providerUrl: string;
let mirror: TestApp;
let stopJobs: () => Promise<void>;

/** Content of the mirroring Herald: the shipped content, with a service that follows the provider's "Billing". */
function mirrorContent(componentsUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-upstream-content-'));
  cpSync(CONTENT_DIR, dir, { recursive: true });
  const catalogue = {
    groups: [
      { slug: 'core', name: 'Core platform', services: [{ slug: 'api', name: 'Public API' }] },
      {
        slug: 'providers',
        name: 'Providers',
        services: [
          {
            slug: 'payments',
            name: 'Payments',
            description: 'Card payments, through our payment provider.',
            upstream: { url: componentsUrl, component: 'Billing', provider: 'PayCo' },
          },
        ],
      },
    ],
  };
  writeFileSync(join(dir, 'services.json'), JSON.stringify(catalogue));
  return dir;
}

const component = async (slug: string) => {
  const { json } = await mirror.call('GET', '/api/v2/components.json');
  return (json.components as { id: string; status: string; herald_status?: string; upstream?: Record<string, unknown> }[]).find((c) => c.id === slug);
};
/** The mirrored service's status as published (the JSON readers get), which a write's answer waits for. */
const publishedStatus = async () => (await component('payments'))?.herald_status;
/** The mirrored service's status as stored: what changes first, before the site is republished. */
const storedStatus = async () => (await mirror.call('GET', '/api/admin/services/payments')).json.status as string;

/** Polls `probe` until it returns true; @returns how long it took, or throws after `withinMs`. */
async function waitUntil(probe: () => Promise<boolean>, withinMs: number, what: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`${what} did not happen within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  const renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
  provider = await makeTestApp();
  providerServer = createServer(getRequestListener(provider.app.fetch));
  await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
  providerUrl = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
  mirror = await makeTestApp({
    renderPage,
    env: {
      CONTENT_DIR: mirrorContent(`${providerUrl}/api/v2/components.json`),
      UPSTREAM_POLL_SECONDS: String(POLL_SECONDS),
      // The provider is on loopback: allowed for development and tests only.
      WEBHOOK_ALLOW_LOCAL: 'true',
    },
  });
  stopJobs = mirror.herald.startJobs();
  await waitUntil(async () => (await component('payments'))?.herald_status === 'operational', 5 * POLL_MS, 'the first read of the provider');
}, 60_000);

afterAll(async () => {
  await stopJobs?.();
  providerServer?.closeAllConnections();
  await new Promise((resolve) => providerServer?.close(resolve));
});

describe('a service that follows a provider', () => {
  it("takes the provider's major outage within two poll intervals, audited as the provider's, and says where its status comes from", async () => {
    await provider.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'billing', status: 'major_outage' }] }));
    const took = await waitUntil(async () => (await storedStatus()) === 'major_outage', 2 * POLL_MS + 500, 'the mirrored outage');
    expect(took).toBeLessThanOrEqual(2 * POLL_MS + 500);
    await waitUntil(async () => (await publishedStatus()) === 'major_outage', 5000, 'the republish');

    expect(await component('payments')).toMatchObject({
      status: 'major_outage',
      herald_status: 'major_outage',
      upstream: {
        provider: 'PayCo',
        page_url: `${providerUrl}/`,
        status: 'major_outage',
        known: true,
        // The provider's open incident naming the component, linked.
        incident: { name: 'Elevated API error rates', url: `${PUBLIC_URL}/incidents/INC-1` },
      },
    });
    const [audit] = await listAudit(mirror.db, { entity: 'service', ref: 'payments' });
    expect(audit).toMatchObject({ action: 'service.status', actor: `upstream:PayCo (${providerUrl}/api/v2/components.json)` });
    const page = (await mirror.call('GET', '/services/payments')).text;
    expect(page).toContain('Major outage');
    expect(page).toMatch(/Status from <a href="http:\/\/127\.0\.0\.1:\d+\/">PayCo<\/a>/);
    expect(page).toContain(`PayCo reports: <a href="${PUBLIC_URL}/incidents/INC-1">Elevated API error rates</a>`);
    // A status set outside an incident is public history, as any other.
    expect(page).toContain('Status changes outside incidents');
  });

  it("goes back to operational within two poll intervals of the provider's resolution", async () => {
    await provider.call(
      'POST',
      '/api/admin/incidents/INC-1/updates',
      makeUpdate({ status: 'resolved', message: 'Payments work again.', services: [{ slug: 'billing', status: 'operational' }], rootCause: 'A bad deploy.' }),
    );
    expect((await provider.call('GET', '/api/v2/components.json')).json.components.find((c: { id: string }) => c.id === 'billing').status).toBe('operational');
    await waitUntil(async () => (await storedStatus()) === 'operational', 2 * POLL_MS + 500, 'the mirrored resolution');
    await waitUntil(async () => (await publishedStatus()) === 'operational', 5000, 'the republish');
    expect(await component('payments')).toMatchObject({ status: 'operational', herald_status: 'operational', upstream: { incident: null } });
    expect((await mirror.call('GET', '/services/payments')).text).not.toContain('PayCo reports');
  });

  it("keeps the status a person set in an open incident over the provider's, and follows again once it is resolved", async () => {
    const created = await mirror.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'payments', status: 'degraded_performance' }] }));
    expect(created.status).toBe(201);
    await provider.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'billing', status: 'partial_outage' }] }));
    // The provider's outage is read (the page says so) but the incident's status stands.
    await waitUntil(async () => (await component('payments'))?.upstream?.status === 'partial_outage', 3 * POLL_MS, 'the read of the outage');
    expect(await publishedStatus()).toBe('degraded_performance');
    await mirror.call(
      'POST',
      `/api/admin/incidents/${created.json.ref}/updates`,
      makeUpdate({ status: 'resolved', message: 'Resolved on our side.', services: [{ slug: 'payments', status: 'operational' }], rootCause: 'The provider.' }),
    );
    await waitUntil(async () => (await publishedStatus()) === 'partial_outage', 3 * POLL_MS, 'following the provider again');
  });

  it('shows "status unknown", never operational, once the provider stops answering, and /healthz names it', async () => {
    await provider.call(
      'POST',
      '/api/admin/incidents/INC-2/updates',
      makeUpdate({ status: 'resolved', message: 'Fixed.', services: [{ slug: 'billing', status: 'operational' }], rootCause: 'A full disk.' }),
    );
    await waitUntil(async () => (await component('payments'))?.upstream?.status === 'operational', 3 * POLL_MS, 'the mirrored resolution');
    expect(await publishedStatus()).toBe('operational');
    providerServer.closeAllConnections();
    await new Promise((resolve) => providerServer.close(resolve));

    await waitUntil(async () => (await component('payments'))?.herald_status === 'unknown', 10 * POLL_MS, 'the unknown status');
    const shown = await component('payments');
    expect(shown?.status).not.toBe('operational');
    expect(shown).toMatchObject({ status: 'degraded_performance', upstream: { known: false, status: 'operational' } });
    const page = (await mirror.call('GET', '/services/payments')).text;
    expect(page).toContain('Status unknown');
    expect(page).not.toMatch(/class="banner"><span class="status tone-ok"/);
    const home = (await mirror.call('GET', '/')).text;
    const row = /<a href="\/services\/payments">Payments<\/a>([\s\S]*?)<\/li>/.exec(home)?.[1] ?? '';
    expect(row).toContain('<span class="status-text">Status unknown</span>');
    expect(row).not.toContain('Operational');

    const health = await mirror.call('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.json.upstreams).toMatchObject({
      state: 'unreadable',
      unreadable: [{ service: 'payments', provider: 'PayCo', url: `${providerUrl}/api/v2/components.json`, statusUnknown: true }],
    });
    expect(health.json.upstreams.unreadable[0].error).toMatch(/ECONNREFUSED/);
  });
});

describe('an upstream in the catalogue', () => {
  const contentWith = (upstream: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-upstream-bad-'));
    cpSync(CONTENT_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'services.json'), JSON.stringify({ groups: [{ slug: 'p', name: 'P', services: [{ slug: 'pay', name: 'Pay', upstream }] }] }));
    return dir;
  };

  it('is refused at start when it names no component, saying which field', async () => {
    await expect(makeTestApp({ env: { CONTENT_DIR: contentWith({ url: 'https://status.example.com/api/v2/components.json' }) } })).rejects.toThrow(
      /services\.json is not valid: groups\.0\.services\.0\.upstream\.component/,
    );
  });

  it('is refused at start when the SSRF guard would refuse its URL, naming the service', async () => {
    await expect(makeTestApp({ env: { CONTENT_DIR: contentWith({ url: 'http://127.0.0.1:9/api/v2/components.json', component: 'API' }) } })).rejects.toThrow(
      /\[Upstreams\] content\/services\.json: service "pay" names upstream http:\/\/127\.0\.0\.1:9\/api\/v2\/components\.json/,
    );
  });
});
