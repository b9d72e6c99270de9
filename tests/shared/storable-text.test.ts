/**
 * One storable-text rule (api/shared/schemas.ts, `storable`) for every text field Herald keeps,
 * fuzzed through the front door: whatever a field is sent — NUL, control characters, lone
 * surrogates, U+FFFE, any Unicode — it is either refused with a 400 naming the field, or stored
 * and given back exactly as sent (trimmed). Never a 5xx, never text cut at a NUL.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { storable, StorableText } from '../../api/shared/schemas.ts';
import { makeIncident, makeUpdate } from '../support/factories.ts';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { makeDesk, type Desk } from '../support/desk.ts';

/** Characters the rule is about, slipped in among ordinary ones. */
const HOSTILE = ['\u0000', '\u0001', '\u0007', '\u000b', '\u001b', '\u001f', '\ud800', '\udfff', '\ufffe', '\uffff', '\r\n', '\t', '\u2028', 'é', '😀', ' '];
const hostileText = (unit: 'binary' | 'grapheme') =>
  fc.oneof(
    fc.string({ unit, maxLength: 30 }),
    fc
      .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', maxLength: 12 }))
      .map(([a, b, c]) => a + b + c),
  );
/** What survives a form post: a browser (and URLSearchParams) sends a lone surrogate as U+FFFD. */
const formText = hostileText('grapheme').map((s) => s.toWellFormed());

/** Whether the rule takes `sent` as a field of at least `min` and at most `max` characters. */
const accepts = (sent: string, max: number, min: 0 | 1 = 1) => StorableText(max, { min }).safeParse(sent).success;

describe('the rule', () => {
  it('refuses exactly what cannot be stored and read back: NUL, C0 controls but tab and line breaks, U+FFFE/U+FFFF, lone surrogates', () => {
    fc.assert(
      fc.property(hostileText('binary'), (s) => {
        const unstorable = !s.isWellFormed() || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(s);
        expect(storable(s)).toBe(!unstorable);
      }),
      { numRuns: 500 },
    );
  });
});

describe('every text field, through the admin API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
    expect((await t.call('POST', '/api/admin/incidents', makeIncident())).status).toBe(201);
    expect((await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }))).status).toBe(201);
  });

  it('action items: title and owner are stored as sent, or refused with a 400', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText('binary'), fc.boolean(), async (sent, asTitle) => {
        const body = asTitle ? { title: sent, owner: 'Dana' } : { title: 'Add a circuit breaker', owner: sent };
        const res = await t.call('POST', '/api/admin/incidents/INC-1/action-items', body);
        if (!accepts(sent, asTitle ? 300 : 200)) {
          expect(res.status, JSON.stringify(sent)).toBe(400);
          expect(res.json.error.fields[0].path).toBe(asTitle ? 'title' : 'owner');
          return;
        }
        expect(res.status, JSON.stringify(sent)).toBe(201);
        const listed = (await t.call('GET', '/api/admin/incidents/INC-1/action-items')).json.actionItems as { id: number; title: string; owner: string }[];
        const item = listed.find((i) => i.id === res.json.id);
        expect(asTitle ? item?.title : item?.owner).toBe(sent.trim());
      }),
      { numRuns: 120 },
    );
  });

  it('the postmortem URL is stored as sent, or refused with a 400', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText('binary'), async (tail) => {
        const url = `https://wiki.example.test/pm/${tail}`;
        const res = await t.call('POST', '/api/admin/incidents/INC-1/postmortem', { url, completed: false });
        // A URL is trimmed, and loses tabs and line breaks, as the URL standard's parser does.
        const normal = url.trim().replace(/[\t\r\n]/g, '');
        if (!storable(normal)) {
          expect(res.status, JSON.stringify(url)).toBe(400);
          return;
        }
        // Storable, it may still not be a URL (a 400 then); a URL is stored as sent, so normalised.
        expect([200, 201, 400], JSON.stringify(url)).toContain(res.status);
        if (res.status !== 400) expect((await t.call('GET', '/api/admin/incidents/INC-1')).json.postmortemUrl).toBe(normal);
      }),
      { numRuns: 120 },
    );
  });

  it('incident titles, impact and messages are stored as sent, or refused with a 400', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText('binary'), async (sent) => {
        const fields = [`Checkout ${sent}`, `Some ${sent}`, `Looking ${sent}`];
        const res = await t.call(
          'POST',
          '/api/admin/incidents',
          makeIncident({ title: fields[0], impact: fields[1], message: fields[2], acknowledgeWarnings: true }),
        );
        if (!fields.every((field) => storable(field.trim()))) {
          expect(res.status, JSON.stringify(sent)).toBe(400);
          return;
        }
        expect(res.status, JSON.stringify(sent)).toBe(201);
        const read = (await t.call('GET', `/api/admin/incidents/${res.json.ref}`)).json;
        expect([read.title, read.impact, read.updates[0].message]).toEqual(fields.map((field) => field.trim()));
      }),
      { numRuns: 80 },
    );
  });
});

describe('every text field, through the desk', () => {
  let d: Desk;
  let session: { cookie: string; csrf: string };
  beforeAll(async () => {
    d = await makeDesk();
    await d.addUser('admin@example.test', 'admin');
    session = await d.signIn('admin@example.test');
  });

  it('token names are stored as sent, or the form comes back with the error', async () => {
    await fc.assert(
      fc.asyncProperty(formText, async (sent) => {
        const res = await d.post('/admin/tokens', { _csrf: session.csrf, name: sent, role: 'comms' }, { cookie: session.cookie });
        if (!accepts(sent, 100)) {
          expect(res.status, JSON.stringify(sent)).toBe(400);
          return;
        }
        expect(res.status, JSON.stringify(sent)).toBe(200);
        const { rows } = await d.db.execute('SELECT name FROM api_tokens ORDER BY id DESC LIMIT 1');
        expect(rows[0]?.name).toBe(sent.trim());
      }),
      { numRuns: 80 },
    );
  });

  it('user names are stored as sent, or the form comes back with the error', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(formText, async (sent) => {
        const email = `user${++n}@example.test`;
        const res = await d.post(
          '/admin/users',
          { _csrf: session.csrf, email, name: sent, role: 'comms', password: 'a long enough password' },
          { cookie: session.cookie },
        );
        if (!accepts(sent, 200, 0)) {
          expect(res.status, JSON.stringify(sent)).toBe(400);
          return;
        }
        expect(res.status, JSON.stringify(sent)).toBe(303);
        const { rows } = await d.db.execute({ sql: 'SELECT name FROM users WHERE email = ?', args: [email] });
        expect(rows[0]?.name).toBe(sent.trim() || null);
      }),
      { numRuns: 40 },
    );
  });
});
