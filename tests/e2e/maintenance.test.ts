import { afterAll, describe, expect, it } from 'vitest';
import { makeMaintenance } from '../support/factories.ts';
import { removeDir, startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'maintenance-server-token-0123456789abcdef';
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const admin = async (path: string, body?: unknown) => {
  const response = await fetch(`${server!.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as any };
};

describe('the real server', () => {
  it('runs the transitions job: a window whose start passed while it was down is started when it comes back', async () => {
    server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN });
    const start = new Date(Date.now() + 1500).toISOString();
    const created = await admin(
      '/api/admin/maintenance',
      makeMaintenance({ scheduledFor: start, scheduledUntil: new Date(Date.now() + 3600_000).toISOString() }),
    );
    expect(created.json.status).toBe('scheduled');
    expect(await server.stop()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(start) - Date.now()) + 100));
    server = await startServer({ HERALD_ADMIN_TOKEN: TOKEN }, server.dir);
    // The job writes, then republishes: wait for readers to see it.
    const published = async () => (await (await fetch(`${server!.url}/api/v2/scheduled-maintenances/active.json`)).json()).scheduled_maintenances;
    for (let i = 0; i < 50 && (await published()).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await published()).map((m: { id: string; status: string }) => [m.id, m.status])).toEqual([['MNT-1', 'in_progress']]);
    expect((await admin('/api/admin/maintenance/MNT-1')).json.updates[0].message).toBe('Maintenance started.');
    expect((await admin('/api/admin/services/api')).json.status).toBe('under_maintenance');
  });
});
