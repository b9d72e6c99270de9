import { beforeEach, describe, expect, it } from 'vitest';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { makeTestApp, PUBLIC_URL, type TestApp } from '../../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const serviceStatus = async (slug: string) => (await t.call('GET', `/api/admin/services/${slug}`)).json.status;
const countIncidents = async () => Number((await t.db.execute('SELECT count(*) AS n FROM incidents')).rows[0]?.n);

describe('declaring an incident', () => {
  it('answers 201 with a stable ref, a permalink and the cadence', async () => {
    const res = await t.call('POST', '/api/admin/incidents', makeIncident());
    expect(res.status).toBe(201);
    expect(res.json.ref).toBe('INC-1');
    expect(res.json.url).toBe(`${PUBLIC_URL}/incidents/INC-1`);
    expect(res.headers.get('location')).toBe('/api/admin/incidents/INC-1');
    expect(res.json.status).toBe('investigating');
    expect(res.json.lastUpdateAt).toBe('2026-03-10T12:00:00.000Z');
    expect(res.json.nextUpdateDueAt).toBe('2026-03-10T12:30:00.000Z');
    expect(res.json.overdue).toBe(false);
    expect(res.json.updates).toHaveLength(1);
    expect(res.json.updates[0].notify).toBe(true);
  });

  it('sets the services it names in the same write', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'api', status: 'major_outage' }] }));
    expect(await serviceStatus('api')).toBe('major_outage');
  });

  it('honours a sooner promised update', async () => {
    const res = await t.call('POST', '/api/admin/incidents', makeIncident({ nextUpdateInMinutes: 10 }));
    expect(res.json.nextUpdateDueAt).toBe('2026-03-10T12:10:00.000Z');
  });

  it('notifies by default for P0/P1 only', async () => {
    const p2 = await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P2' }));
    expect(p2.json.updates[0].notify).toBe(false);
  });

  it('numbers incidents one after another, for good', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident());
    const second = await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Second' }));
    expect(second.json.ref).toBe('INC-2');
    expect((await t.call('GET', '/api/admin/incidents/inc-2')).json.title).toBe('Second');
  });
});

describe('posting updates', () => {
  beforeEach(async () => {
    await t.call(
      'POST',
      '/api/admin/incidents',
      makeIncident({
        services: [
          { slug: 'api', status: 'partial_outage' },
          { slug: 'web-app', status: 'degraded_performance' },
        ],
      }),
    );
  });

  it('adds to the timeline and moves the deadline', async () => {
    t.clock.advance(20 * 60_000);
    const res = await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ nextUpdateInMinutes: 15 }));
    expect(res.status).toBe(201);
    expect(res.json.status).toBe('mitigating');
    expect(res.json.updates.map((u: { status: string }) => u.status)).toEqual(['mitigating', 'investigating']);
    expect(res.json.nextUpdateDueAt).toBe('2026-03-10T12:35:00.000Z');
  });

  it('records service changes with their before and after', async () => {
    const res = await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ services: [{ slug: 'api', status: 'degraded_performance' }] }));
    expect(res.json.updates[0].services).toEqual([{ slug: 'api', name: 'Public API', from: 'partial_outage', to: 'degraded_performance' }]);
  });

  it('resolving records the outcome and brings unnamed services back to operational', async () => {
    t.clock.advance(83 * 60_000);
    const res = await t.call(
      'POST',
      '/api/admin/incidents/INC-1/updates',
      makeUpdate({ status: 'resolved', message: 'Fixed.', rootCause: 'A bad deploy.', postmortemUrl: 'https://example.com/pm/1' }),
    );
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      status: 'resolved',
      resolvedAt: '2026-03-10T13:23:00.000Z',
      durationMs: 83 * 60_000,
      rootCause: 'A bad deploy.',
      postmortemUrl: 'https://example.com/pm/1',
      nextUpdateDueAt: null,
      overdue: false,
    });
    expect(res.json.postmortemDueAt).toBe('2026-03-12T13:23:00.000Z');
    expect(await serviceStatus('api')).toBe('operational');
    expect(await serviceStatus('web-app')).toBe('operational');
  });

  it('leaves a service down when another open incident still affects it', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Other', services: [{ slug: 'api', status: 'partial_outage' }] }));
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    expect(await serviceStatus('api')).toBe('partial_outage');
    expect(await serviceStatus('web-app')).toBe('operational');
  });

  it('refuses a status update on a resolved incident with 409, and writes nothing', async () => {
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    const res = await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'monitoring' }));
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('conflict');
    expect((await t.call('GET', '/api/admin/incidents/INC-1')).json.updates).toHaveLength(2);
  });

  it('reopens a resolved incident only through the explicit action', async () => {
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    const res = await t.call('POST', '/api/admin/incidents/INC-1/reopen', { message: 'It is back.', services: [{ slug: 'api', status: 'major_outage' }] });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: 'investigating', resolvedAt: null });
    expect(await serviceStatus('api')).toBe('major_outage');
    expect((await t.call('POST', '/api/admin/incidents/INC-1/reopen', { message: 'again' })).status).toBe(409);
  });
});

describe('listing incidents', () => {
  it('filters by state and flags an incident overdue 30 minutes after its last update', async () => {
    await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Open one' }));
    await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'Closed one' }));
    await t.call('POST', '/api/admin/incidents/INC-2/updates', makeUpdate({ status: 'resolved', message: 'Done.' }));

    t.clock.advance(30 * 60_000 - 1000);
    let open = (await t.call('GET', '/api/admin/incidents?state=open')).json.incidents;
    expect(open.map((i: { title: string }) => i.title)).toEqual(['Open one']);
    expect(open[0].overdue).toBe(false);

    t.clock.advance(1000);
    open = (await t.call('GET', '/api/admin/incidents')).json.incidents;
    expect(open[0].overdue).toBe(true);
    expect(open[0].nextUpdateDueAt).toBe('2026-03-10T12:30:00.000Z');

    expect((await t.call('GET', '/api/admin/incidents?state=resolved')).json.incidents.map((i: { title: string }) => i.title)).toEqual(['Closed one']);
    expect((await t.call('GET', '/api/admin/incidents?state=all')).json.incidents).toHaveLength(2);
  });

  it('rejects an unknown state', async () => {
    const res = await t.call('GET', '/api/admin/incidents?state=closed');
    expect(res.status).toBe(400);
    expect(res.json.error.fields[0].path).toBe('state');
  });
});

describe('bad input gets a clear error and loses nothing', () => {
  it('names each bad field in a 400', async () => {
    const res = await t.call('POST', '/api/admin/incidents', {
      title: '',
      severity: 'P9',
      message: 'x',
      services: [{ slug: 'api', status: 'on_fire' }],
      nextUpdateInMinutes: 45,
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.requestId).toBeTruthy();
    const paths = res.json.error.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(['nextUpdateInMinutes', 'services.0.status', 'severity', 'title']);
    expect(await countIncidents()).toBe(0);
  });

  it('refuses text a feed or the database could not carry as given, naming the field, and writes nothing', async () => {
    // U+0000 would cut the stored text short; U+0007 would make every feed invalid XML; a lone surrogate is not Unicode.
    for (const [field, value] of [
      ['message', 'Checkout is slow\u0000 — we are failing over'],
      ['title', 'Bell\u0007'],
      ['impact', 'half a pair \ud83d'],
    ] as const) {
      const res = await t.call('POST', '/api/admin/incidents', makeIncident({ [field]: value }));
      expect(res.status, field).toBe(400);
      expect(res.json.error.fields.map((f: { path: string; message: string }) => `${f.path}: ${f.message}`)).toEqual([
        `${field}: must not contain control characters (other than tabs and line breaks), U+FFFE/U+FFFF or unpaired surrogates`,
      ]);
    }
    expect(await countIncidents()).toBe(0);
    // Tabs and line breaks, and every other character people type, are text.
    const ok = await t.call('POST', '/api/admin/incidents', makeIncident({ message: 'Line one\r\nLine two\tand a tab — 日本語 😀 \u202e' }));
    expect(ok.status).toBe(201);
  });

  it('names unknown services and writes nothing', async () => {
    const res = await t.call(
      'POST',
      '/api/admin/incidents',
      makeIncident({
        services: [
          { slug: 'api', status: 'major_outage' },
          { slug: 'nope', status: 'major_outage' },
        ],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('nope');
    expect(await countIncidents()).toBe(0);
    expect(await serviceStatus('api')).toBe('operational');
  });

  it('rejects unknown fields rather than silently dropping them', async () => {
    const res = await t.call('POST', '/api/admin/incidents', { ...makeIncident(), sevrity: 'P1' });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('sevrity');
  });

  it('answers malformed JSON with 400', async () => {
    const res = await t.app.request('/api/admin/incidents', {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdef', 'content-type': 'application/json' },
      body: '{"title": ',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('bad_request');
  });

  it('asks for JSON when the body is sent as another type', async () => {
    const res = await t.app.request('/api/admin/incidents', {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdef', 'content-type': 'text/plain' },
      body: JSON.stringify(makeIncident()),
    });
    expect(res.status).toBe(415);
    expect((await res.json()).error.message).toContain('application/json');
    expect(await countIncidents()).toBe(0);
  });

  it.each(['application/json ; charset=utf-8', 'text/x+json'])(
    'answers a JSON type the router does not take (%s) as unsupported_media_type, in the one shape',
    async (type) => {
      const res = await t.app.request('/api/admin/incidents', {
        method: 'POST',
        headers: { authorization: 'Bearer test-admin-token-0123456789abcdef', 'content-type': type },
        body: JSON.stringify(makeIncident()),
      });
      expect(res.status).toBe(415);
      expect((await res.json()).error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('application/json') });
    },
  );

  it('answers 404 for an unknown or ill-formed ref', async () => {
    for (const ref of ['INC-99', 'INC-0', 'hello', 'INC-1%27']) {
      const res = await t.call('POST', `/api/admin/incidents/${ref}/updates`, makeUpdate());
      expect(res.status, ref).toBe(404);
      expect(res.json.error.code).toBe('not_found');
    }
  });

  it('refuses a body over 64 KiB with 413, with or without a length', async () => {
    const big = makeIncident({ message: 'x'.repeat(70 * 1024) });
    const sized = await t.call('POST', '/api/admin/incidents', big);
    expect(sized.status).toBe(413);
    const bytes = new TextEncoder().encode(JSON.stringify(big));
    const chunked = new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const res = await t.app.request('/api/admin/incidents', {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdef', 'content-type': 'application/json' },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await countIncidents()).toBe(0);
  });
});
