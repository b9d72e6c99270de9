import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeIncident } from '../support/factories.ts';
import { makeDesk, type Desk } from '../support/desk.ts';

/**
 * Every desk form, posted by a signed-in admin with valid and hostile field values: the desk
 * answers with a page or a redirect, never a 5xx, and never a JSON body to a form.
 */
const FORMS: { path: string; fields: string[] }[] = [
  {
    path: '/admin/incidents/new',
    fields: ['title', 'severity', 'status', 'impact', 'commander', 'message', 'nextUpdateInMinutes', 'notify', 'svc.api', 'intent'],
  },
  {
    path: '/admin/incidents/INC-1/updates',
    fields: ['status', 'message', 'eta', 'nextUpdateInMinutes', 'rootCause', 'postmortemUrl', 'notify', 'svc.api', 'intent', 'mode'],
  },
  { path: '/admin/incidents/INC-1/updates/1/edit', fields: ['message', 'intent'] },
  { path: '/admin/account', fields: ['current', 'password', 'confirm'] },
  { path: '/admin/incidents/INC-1/details', fields: ['title', 'severity', 'impact', 'commander'] },
  { path: '/admin/incidents/INC-2/reopen', fields: ['message', 'status'] },
  { path: '/admin/services/api', fields: ['status'] },
  { path: '/admin/tokens', fields: ['name', 'role'] },
  { path: '/admin/users', fields: ['email', 'name', 'role', 'password'] },
  { path: '/admin/preview', fields: ['message', 'mode', 'ref', 'title', 'severity'] },
];

const value = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'P1',
    'P9',
    'resolved',
    'investigating',
    'major_outage',
    'yes',
    'no',
    '30',
    '0',
    '-5',
    '2026-03-10T12:30',
    'not a date',
    'https://example.com/pm',
    'javascript:alert(1)',
    'admin',
    'support',
  ),
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constant('{{manageUrl}} [ What happened ] <img src=x onerror=alert(1)>'),
  fc.constant('x'.repeat(30_000)),
);

let d: Desk;
let session: { cookie: string; csrf: string };
beforeAll(async () => {
  d = await makeDesk();
  await d.addUser('admin@example.test', 'admin');
  session = await d.signIn('admin@example.test');
  await d.call('POST', '/api/admin/incidents', makeIncident());
  await d.call('POST', '/api/admin/incidents', makeIncident({ status: 'resolved', severity: 'P3' }));
});

describe('the desk forms under generated input', () => {
  it.each(FORMS)('never answers $path with a 5xx or with JSON', async ({ path, fields }) => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...fields, 'unexpected'), value, { maxKeys: fields.length + 1 }), async (form) => {
        const res = await d.post(path, { ...form, _csrf: session.csrf }, { cookie: session.cookie });
        const label = `${path} ${JSON.stringify(form).slice(0, 300)}`;
        expect(res.status, label).toBeLessThan(500);
        if (path !== '/admin/preview' && res.status !== 303) expect(res.headers.get('content-type') ?? '', label).toContain('text/html');
      }),
      { numRuns: 25, seed: 20261127 },
    );
  });
});
