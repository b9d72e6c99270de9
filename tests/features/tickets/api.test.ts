/**
 * Support staff record which customer tickets are about an incident: through the admin API with
 * a support token (which still cannot publish) and from the desk; never in anything public.
 */
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createToken } from '../../../api/features/access/tokens.ts';
import { listAudit } from '../../../api/features/audit/store.ts';
import { loadAstroRenderer } from '../../../api/site/astro-renderer.ts';
import type { PageRenderer } from '../../../api/site/publisher.ts';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../../support/app.ts';
import { ROOT } from '../../support/server.ts';

const TICKET = { system: 'Zendesk', id: 'ZD-SECRET-48213', url: 'https://example.zendesk.com/agent/tickets/48213' };

let renderPage: PageRenderer;
let t: TestApp;
let support: string;
beforeAll(async () => {
  renderPage = await loadAstroRenderer(process.env.HERALD_DIST_DIR ?? join(ROOT, 'dist'), PUBLIC_URL);
});
beforeEach(async () => {
  t = await makeTestApp({ renderPage });
  support = (await createToken(t.db, 'helpdesk', t.clock.now(), 'support')).token;
  expect((await t.call('POST', '/api/admin/incidents', makeIncident())).status).toBe(201);
});

describe('linking tickets through the admin API', () => {
  it('lets a support token link a ticket, audited, and lists it', async () => {
    const linked = await t.call('POST', '/api/admin/incidents/INC-1/tickets', TICKET, support);
    expect(linked.status).toBe(201);
    expect(linked.json).toMatchObject({ ...TICKET, linkedBy: 'token:helpdesk', linkedAt: '2026-03-10T12:00:00.000Z' });
    const listed = await t.call('GET', '/api/admin/incidents/inc-1/tickets', undefined, support);
    expect(listed.json.tickets).toEqual([linked.json]);
    const [audit] = await listAudit(t.db, { ref: 'INC-1' });
    expect(audit).toMatchObject({ action: 'ticket.link', actor: 'token:helpdesk' });
  });

  it('still refuses the same support token anything that publishes (403)', async () => {
    expect((await t.call('POST', '/api/admin/incidents/INC-1/tickets', TICKET, support)).status).toBe(201);
    expect((await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate(), support)).status).toBe(403);
    expect((await t.call('POST', '/api/admin/incidents', makeIncident(), support)).status).toBe(403);
    expect((await t.call('PATCH', '/api/admin/incidents/INC-1', { title: 'x' }, support)).status).toBe(403);
    // Nor may it slip a write through a path that merely ends like the tickets route.
    expect((await t.call('POST', '/api/admin/incidents/INC-1/updates/tickets', makeUpdate(), support)).status).toBe(403);
  });

  it('answers 409 for a ticket already linked, 404 for an unknown incident, 400 for a bad link', async () => {
    await t.call('POST', '/api/admin/incidents/INC-1/tickets', TICKET);
    expect((await t.call('POST', '/api/admin/incidents/INC-1/tickets', TICKET)).status).toBe(409);
    expect((await t.call('POST', '/api/admin/incidents/INC-9/tickets', TICKET)).status).toBe(404);
    const bad = await t.call('POST', '/api/admin/incidents/INC-1/tickets', { ...TICKET, url: 'javascript:alert(1)' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields[0].path).toBe('url');
  });

  it('never shows a ticket id on any public page, feed or JSON', async () => {
    await t.call('POST', '/api/admin/incidents/INC-1/tickets', TICKET);
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate());
    const paths = t.snapshot.paths();
    expect(paths).toEqual(expect.arrayContaining(['/', '/incidents/INC-1', '/feed.xml', '/api/v2/summary.json', '/api/v2/incidents.json']));
    for (const path of paths) {
      const body = t.snapshot.get(path)?.body.toString() ?? '';
      expect(body, path).not.toContain(TICKET.id);
      expect(body, path).not.toContain('zendesk.com');
    }
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/api/openapi.json')).json;
    expect(Object.keys(doc.paths['/api/admin/incidents/{ref}/tickets']).sort()).toEqual(['get', 'post']);
  });
});
