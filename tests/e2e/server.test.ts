import { createServer, type AddressInfo } from 'node:net';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'e2e-admin-token-abcdefghijklmnopqrstuvwxyz';
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN });
});
afterAll(async () => {
  await server?.stop();
  removeDir(server.dir);
});

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
};
const text = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
};

describe('a comms lead posts an incident and customers see it everywhere', () => {
  let ref = '';

  it('creates the incident and two updates through the API', async () => {
    const created = await post('/api/admin/incidents', {
      title: 'Checkout payments failing',
      severity: 'P1',
      status: 'investigating',
      message: 'Card payments fail at checkout. **Investigating.**',
      services: [{ slug: 'billing', status: 'major_outage' }],
      impact: 'Customers cannot pay by card.',
      commander: 'Ada Quinn',
    });
    expect(created.status).toBe(201);
    ref = created.json.ref;
    expect(ref).toMatch(/^INC-\d+$/);
    expect(
      (await post(`/api/admin/incidents/${ref}/updates`, { status: 'mitigating', message: 'Failing over to the backup processor.', nextUpdateInMinutes: 15 }))
        .status,
    ).toBe(201);
    expect(
      (
        await post(`/api/admin/incidents/${ref}/updates`, {
          status: 'monitoring',
          message: 'Payments succeed again; watching error rates.',
          services: [{ slug: 'billing', status: 'degraded_performance' }],
        })
      ).status,
    ).toBe(201);
  });

  it('shows it on the home page with the latest update and the next deadline', async () => {
    const home = await text('/');
    expect(home.status).toBe(200);
    expect(home.type).toContain('text/html');
    expect(home.body).toContain('Checkout payments failing');
    expect(home.body).toContain('Payments succeed again; watching error rates.');
    expect(home.body).toContain('Customers cannot pay by card.');
    expect(home.body).toMatch(/Next update by <time datetime="[^"]+"/);
    expect(home.body).toContain('Partial System Outage');
    expect(home.body).toContain('<link rel="alternate" type="application/rss+xml"');
    expect(home.body).not.toContain('Ada Quinn');
  });

  it('shows the whole timeline on the incident page', async () => {
    const page = await text(`/incidents/${ref}`);
    expect(page.status).toBe(200);
    for (const message of ['Card payments fail at checkout.', 'Failing over to the backup processor.', 'Payments succeed again']) {
      expect(page.body).toContain(message);
    }
    expect(page.body).toContain('<strong>Investigating.</strong>');
    expect(page.body).toContain('Billing: Major outage → Degraded performance');
    expect(page.body).toContain(ref);
  });

  it('has one RSS item per update, readable by a real feed parser', async () => {
    const feed = await new Parser().parseString((await text('/feed.xml')).body);
    const items = feed.items.filter((i) => i.title?.startsWith('Checkout payments failing'));
    expect(items.map((i) => i.title)).toEqual([
      'Checkout payments failing — Monitoring',
      'Checkout payments failing — Mitigating',
      'Checkout payments failing — Investigating',
    ]);
    expect(new Set(items.map((i) => i.guid)).size).toBe(3);
  });

  it('serves it in Statuspage format', async () => {
    const summary = JSON.parse((await text('/api/v2/summary.json')).body);
    const incident = summary.incidents.find((i: { id: string }) => i.id === ref);
    expect(incident).toMatchObject({ name: 'Checkout payments failing', status: 'monitoring', impact: 'major' });
    expect(incident.incident_updates).toHaveLength(3);
    expect(summary.components.find((c: { id: string }) => c.id === 'billing').status).toBe('degraded_performance');
  });

  it('shows a status set outside an incident as an event on the service page', async () => {
    const res = await fetch(`${server.url}/api/admin/services/cdn`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'under_maintenance' }),
    });
    expect(res.status).toBe(200);
    const page = await text('/services/cdn');
    expect(page.body).toContain('Status changes outside incidents');
    expect(page.body).toMatch(/Operational → <strong>Under maintenance<\/strong>/);
  });

  it('answers unknown pages with the site 404 page', async () => {
    const res = await fetch(`${server.url}/incidents/INC-999`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Page not found');
  });

  it('reports health', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { database: string }).database).toBe('ok');
  });
});

describe('restarts', () => {
  it('serves the last published pages when the database does not answer at start', async () => {
    const dir = server.dir;
    expect(await server.stop()).toBe(0);
    // A loopback port nobody listens on: the libSQL server is "down".
    const probe = createServer();
    const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)));
    await new Promise((resolve) => probe.close(resolve));
    server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN, DATABASE_URL: `http://127.0.0.1:${port}` }, dir, { waitFor: 'listening' });
    try {
      const deadline = Date.now() + 20_000;
      while (!server.output().includes('does not answer') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(server.output()).toContain('does not answer');
      const home = await text('/');
      expect(home.status).toBe(200);
      expect(home.body).toContain('Checkout payments failing');
      expect((await text('/api/v2/summary.json')).status).toBe(200);
      const write = await post('/api/admin/incidents', { title: 'x', severity: 'P1', message: 'x' });
      expect(write.status).toBe(503);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
    } finally {
      await server.kill();
    }
    server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN }, dir);
  });

  it('shuts down cleanly on SIGTERM and serves the same incident after a restart', async () => {
    const dir = server.dir;
    expect(await server.stop()).toBe(0);
    server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN }, dir);
    const home = await text('/');
    expect(home.body).toContain('Checkout payments failing');
  });
});
