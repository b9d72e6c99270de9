/**
 * Every desk form answers bad input the same way: the same page comes back (400, HTML), the
 * error sits next to its field (which is marked invalid and described by it), the summary at
 * the top links to that field, and what was typed is still there.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { makeIncident, makeMaintenance } from '../support/factories.ts';
import { makeDesk, PASSWORD, type Desk } from '../support/desk.ts';

let d: Desk;
beforeEach(async () => {
  d = await makeDesk({ start: '2026-03-10T12:00:00.000Z' });
  await d.addUser('comms@example.test', 'comms');
  await d.addUser('admin@example.test', 'admin');
  expect((await d.call('POST', '/api/admin/incidents', makeIncident({ impact: 'Some calls fail.' }))).status).toBe(201);
});

const decode = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_m, n) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The opening tag of the form control with this id. */
const controlOf = (html: string, id: string) => new RegExp(`<(input|select|textarea)\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0] ?? '';

/** What the control shows: an input's value, a textarea's text, a select's chosen option. */
function shownValue(html: string, id: string): string {
  const tag = controlOf(html, id);
  if (tag.startsWith('<textarea')) return decode(new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html)?.[1] ?? '');
  if (tag.startsWith('<select')) {
    const options = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
    return decode(/<option value="([^"]*)" selected/.exec(options)?.[1] ?? '');
  }
  return decode(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
}

type Case = {
  form: string;
  as: 'comms@example.test' | 'admin@example.test';
  setup?: () => Promise<unknown>;
  path: string;
  fields: Record<string, string>;
  /** The id of the control the error belongs to, and the error. */
  field: string;
  error: string;
  /** Other controls and the value each must still show. */
  kept: Record<string, string>;
};

const resolveInc1 = () => d.call('POST', '/api/admin/incidents/INC-1/updates', { status: 'resolved', message: 'Fixed.' });

const cases: Case[] = [
  {
    form: 'new maintenance: a window that has already ended',
    as: 'comms@example.test',
    path: '/admin/maintenance/new',
    fields: {
      title: 'Disk swap',
      scheduledFor: '2026-03-10T09:00',
      scheduledUntil: '2026-03-10T11:00',
      'svc.api': 'yes',
      message: 'We swap disks.',
      notify: 'no',
    },
    field: 'f-scheduledUntil',
    error: 'must be in the future: 2026-03-10 11:00 UTC has already passed',
    kept: { 'f-title': 'Disk swap', 'f-scheduledFor': '2026-03-10T09:00', 'f-scheduledUntil': '2026-03-10T11:00', 'f-message': 'We swap disks.' },
  },
  {
    form: 'new maintenance: an end before the start',
    as: 'comms@example.test',
    path: '/admin/maintenance/new',
    fields: { title: 'Disk swap', scheduledFor: '2026-03-10T22:00', scheduledUntil: '2026-03-10T21:00', message: 'We swap disks.' },
    field: 'f-scheduledUntil',
    error: 'must be after scheduledFor',
    kept: { 'f-title': 'Disk swap', 'f-scheduledFor': '2026-03-10T22:00' },
  },
  {
    form: 'extend maintenance: an end no later than the current one',
    as: 'comms@example.test',
    setup: () => d.call('POST', '/api/admin/maintenance', makeMaintenance()),
    path: '/admin/maintenance/MNT-1/extend',
    fields: { scheduledUntil: '2026-03-10T23:30', message: 'Taking longer.' },
    field: 'x-scheduledUntil',
    error: 'must be later than the current end, 2026-03-11 00:00 UTC',
    kept: { 'x-scheduledUntil': '2026-03-10T23:30', 'x-message': 'Taking longer.' },
  },
  {
    form: 'new incident: a whitespace-only title',
    as: 'comms@example.test',
    path: '/admin/incidents/new',
    fields: {
      title: '   ',
      severity: 'P2',
      status: 'investigating',
      impact: 'Typed impact',
      commander: 'Typed IC',
      message: 'We are looking.',
      nextUpdateInMinutes: '15',
      'svc.api': 'partial_outage',
      intent: 'post',
    },
    field: 'f-title',
    error: 'must not be empty',
    kept: {
      'f-severity': 'P2',
      'f-impact': 'Typed impact',
      'f-commander': 'Typed IC',
      'f-message': 'We are looking.',
      'f-svc-api': 'partial_outage',
      'f-nextUpdateInMinutes': '15',
    },
  },
  {
    form: 'post update: a whitespace-only message',
    as: 'comms@example.test',
    path: '/admin/incidents/INC-1/updates',
    fields: { mode: 'update', status: 'mitigating', message: '  \n ', eta: '2026-03-10T13:30', nextUpdateInMinutes: '20', intent: 'post' },
    field: 'f-message',
    error: 'must not be empty',
    kept: { 'f-status': 'mitigating', 'f-eta': '2026-03-10T13:30', 'f-nextUpdateInMinutes': '20' },
  },
  {
    form: 'resolve: a postmortem link that is not a URL',
    as: 'comms@example.test',
    path: '/admin/incidents/INC-1/updates',
    fields: { mode: 'resolve', message: 'Fixed.', rootCause: 'Disk full.', postmortemUrl: 'the wiki', intent: 'post' },
    field: 'f-postmortemUrl',
    error: 'must be an http(s) URL',
    kept: { 'f-rootCause': 'Disk full.', 'f-postmortemUrl': 'the wiki', 'f-message': 'Fixed.' },
  },
  {
    form: 'reopen: a whitespace-only message',
    as: 'comms@example.test',
    setup: resolveInc1,
    path: '/admin/incidents/INC-1/reopen',
    fields: { status: 'monitoring', message: '   ' },
    field: 'r-message',
    error: 'Say why the incident is reopened: customers read this message.',
    kept: { 'r-status': 'monitoring' },
  },
  {
    form: 'incident details: a whitespace-only title',
    as: 'comms@example.test',
    path: '/admin/incidents/INC-1/details',
    fields: { title: '   ', severity: 'P0', impact: 'Typed impact', commander: 'Typed IC' },
    field: 'd-title',
    error: 'must not be empty',
    kept: { 'd-severity': 'P0', 'd-impact': 'Typed impact', 'd-commander': 'Typed IC' },
  },
  {
    form: 'edit an update: a whitespace-only message',
    as: 'comms@example.test',
    path: '/admin/incidents/INC-1/updates/1/edit',
    fields: { message: '  ', intent: 'post' },
    field: 'f-message',
    error: 'must not be empty',
    kept: {},
  },
  {
    form: 'service status: a status that does not exist',
    as: 'comms@example.test',
    path: '/admin/services/billing',
    fields: { status: 'sideways' },
    field: 'f-status-billing',
    error: 'Choose one of the listed statuses.',
    kept: {}, // one select per service, and the one posted held no status the page offers
  },
  {
    form: 'account: a new password that is too short',
    as: 'comms@example.test',
    path: '/admin/account',
    fields: { current: PASSWORD, password: 'short', confirm: 'short' },
    field: 'f-password',
    error: 'use at least 12 characters',
    kept: {},
  },
  {
    form: 'account: two new passwords that differ',
    as: 'comms@example.test',
    path: '/admin/account',
    fields: { current: PASSWORD, password: 'a brand new passphrase', confirm: 'a brand new passphrase!' },
    field: 'f-confirm',
    error: 'The two new passwords differ.',
    kept: {},
  },
  {
    form: 'account: a wrong current password',
    as: 'comms@example.test',
    path: '/admin/account',
    fields: { current: 'not my password at all', password: 'a brand new passphrase', confirm: 'a brand new passphrase' },
    field: 'f-current',
    error: 'That is not your current password.',
    kept: {},
  },
  {
    form: 'new token: a whitespace-only name',
    as: 'admin@example.test',
    path: '/admin/tokens',
    fields: { name: '   ', role: 'support' },
    field: 'f-name',
    error: 'Name the token (1–100 characters), e.g. "deploy-bot".',
    kept: { 'f-role': 'support' },
  },
  {
    form: 'new token: a role that does not exist',
    as: 'admin@example.test',
    path: '/admin/tokens',
    fields: { name: 'deploy-bot', role: 'root' },
    field: 'f-role',
    error: 'Choose a role.',
    kept: { 'f-name': 'deploy-bot' },
  },
  {
    form: 'new user: an email that is not one',
    as: 'admin@example.test',
    path: '/admin/users',
    fields: { email: 'nia at example', name: 'Nia New', role: 'support', password: PASSWORD },
    field: 'f-email',
    error: 'must be an email address',
    kept: { 'f-email': 'nia at example', 'f-name': 'Nia New', 'f-role': 'support' },
  },
  {
    form: 'new user: a password that is too short',
    as: 'admin@example.test',
    path: '/admin/users',
    fields: { email: 'nia@example.test', name: 'Nia New', role: 'support', password: 'short' },
    field: 'f-password',
    error: 'use at least 12 characters',
    kept: { 'f-email': 'nia@example.test', 'f-name': 'Nia New', 'f-role': 'support' },
  },
];

describe('a desk form with bad input', () => {
  it.each(cases)('$form: the form again, the error beside the field, what was typed kept', async ({ as, setup, path, fields, field, error, kept }) => {
    await setup?.();
    const { cookie, csrf } = await d.signIn(as);
    const before = await d.db.execute('SELECT count(*) AS n FROM audit_log');
    const res = await d.post(path, { _csrf: csrf, ...fields }, { cookie });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    const control = controlOf(html, field);
    expect(control, `no control #${field}`).not.toBe('');
    expect(control).toContain('aria-invalid="true"');
    expect(/aria-describedby="([^"]*)"/.exec(control)?.[1]?.split(' ')).toContain(`${field}-error`);
    expect(decode(new RegExp(`id="${field}-error"[^>]*>([^<]*)<`).exec(html)?.[1] ?? '')).toBe(error);
    expect(html, 'the summary links to the field').toContain(`href="#${field}"`);
    for (const [id, value] of Object.entries(kept)) expect(shownValue(html, id), id).toBe(value);
    const after = await d.db.execute('SELECT count(*) AS n FROM audit_log');
    expect(after.rows[0]?.n, 'nothing was written').toBe(before.rows[0]?.n);
  });
});
