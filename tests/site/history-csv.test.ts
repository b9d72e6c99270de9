import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createToken } from '../../api/features/access/tokens.ts';
import { makeTestApp, PUBLIC_URL } from '../support/app.ts';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { alertmanagerSample } from '../features/drafts/samples.ts';

const MINUTE = 60_000;

describe('/history.csv', () => {
  it('lists every published incident, newest first, and no draft', async () => {
    const t = await makeTestApp({ start: '2026-03-10T10:00:00.000Z' });
    const first = (await t.call('POST', '/api/admin/incidents', makeIncident({ title: 'API errors', severity: 'P1' }))).json.ref;
    t.clock.advance(45 * MINUTE);
    await t.call('POST', `/api/admin/incidents/${first}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    t.clock.advance(MINUTE);
    const second = (
      await t.call(
        'POST',
        '/api/admin/incidents',
        makeIncident({
          title: '=HYPERLINK("http://evil.example","x"), "quoted"',
          severity: 'P3',
          services: [
            { slug: 'cdn', status: 'degraded_performance' },
            { slug: 'api', status: 'partial_outage' },
          ],
        }),
      )
    ).json.ref;
    const intake = (await createToken(t.db, 'prometheus', t.clock.now(), 'intake')).token;
    const draft = await t.call('POST', '/api/intake/alertmanager', alertmanagerSample(), intake);
    expect(draft.json.opened).toBe(true);

    const file = t.snapshot.get('/history.csv')!;
    expect(file.type).toBe('text/csv; charset=utf-8');
    const rows = parse(file.body.toString(), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      {
        ref: second,
        title: `'=HYPERLINK("http://evil.example","x"), "quoted"`,
        severity: 'none',
        start: '2026-03-10T10:46:00.000Z',
        end: '',
        duration_minutes: '',
        services: 'Public API; CDN and file storage',
        link: `${PUBLIC_URL}/incidents/${second}`,
      },
      {
        ref: first,
        title: 'API errors',
        severity: 'major',
        start: '2026-03-10T10:00:00.000Z',
        end: '2026-03-10T10:45:00.000Z',
        duration_minutes: '45',
        services: 'Public API',
        link: `${PUBLIC_URL}/incidents/${first}`,
      },
    ]);
    expect(file.body.toString()).not.toContain(`${draft.json.incident},`);

    // An update that changes no line leaves the file as it was; resolving changes it.
    const etag = file.etag;
    t.clock.advance(MINUTE);
    await t.call('POST', `/api/admin/incidents/${second}/updates`, makeUpdate({ status: 'mitigating', message: 'Rerouting.' }));
    expect(t.snapshot.get('/history.csv')!.etag).toBe(etag);
    await t.call('POST', `/api/admin/incidents/${second}/updates`, makeUpdate({ status: 'resolved', message: 'Fixed.' }));
    const after = parse(t.snapshot.get('/history.csv')!.body.toString(), { columns: true }) as Record<string, string>[];
    expect(after[0]).toMatchObject({ ref: second, end: '2026-03-10T10:47:00.000Z', duration_minutes: '1' });
    t.db.close();
  });
});
