import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from '../../../api/features/subscribers/csv.ts';
import { createThrottle } from '../../../api/platform/http/throttle.ts';
import { signLink, verifyLink } from '../../../api/features/subscribers/tokens.ts';
import { signPayload } from '../../../api/features/webhooks/deliver.ts';
import { classifyHttpStatus, classifySmtpError, nextAttemptAt } from '../../../api/platform/delivery/retry.ts';
import { isForbiddenAddress } from '../../../api/platform/delivery/ssrf.ts';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillMailTemplate, loadMailTemplates } from '../../../api/features/notices/mail-templates.ts';
import { CONTENT_DIR } from '../../support/app.ts';

const queued = new Date('2026-03-10T12:00:00Z');
const at = (ms: number) => new Date(queued.getTime() + ms);
const H = 60 * 60_000;

describe('retry rules', () => {
  it.each([
    [1, 0, 30_000],
    [2, 0, 60_000],
    [3, 0, 120_000],
    [7, 0, 1_920_000],
    [8, 0, H],
    [9, 0, H],
    [30, 0, H],
  ])('waits after failed attempt %i (at +%i ms) for %i ms', (attempts, elapsed, wait) => {
    expect(nextAttemptAt(attempts, queued, at(elapsed))?.getTime()).toBe(at(elapsed + wait).getTime());
  });
  it.each([
    [70 * H, true],
    [71 * H, true],
    [71 * H + 1, false],
  ])('with an hour to wait, retries at +%i ms: %s', (elapsed, retries) => {
    expect(nextAttemptAt(20, queued, at(elapsed)) !== null).toBe(retries);
  });
  // Only the recipient's own refusal is held against the address; the relay's is the relay's.
  it.each([
    [{ responseCode: 550, command: 'RCPT TO' }, 'hard'],
    [{ responseCode: 554, command: 'RCPT TO' }, 'hard'],
    [{ responseCode: 451, command: 'RCPT TO' }, 'retry'],
    [{ responseCode: 421, command: 'RCPT TO' }, 'retry'],
    [{ responseCode: 535, command: 'AUTH PLAIN', code: 'EAUTH' }, 'relay'],
    [{ responseCode: 550, command: 'MAIL FROM', code: 'EENVELOPE' }, 'relay'],
    [{ responseCode: 554, command: 'DATA' }, 'relay'],
    [{ responseCode: 550 }, 'relay'],
    [{ code: 'ECONNECTION', command: 'CONN' }, 'relay'],
    [{}, 'relay'],
  ] as const)('classifies SMTP error %o as %s', (error, verdict) => {
    expect(classifySmtpError(error)).toBe(verdict);
  });
  it.each([
    [200, 'sent'],
    [204, 'sent'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [400, 'hard'],
    [404, 'hard'],
    [410, 'hard'],
  ] as const)('classifies HTTP %i as %s', (status, verdict) => {
    expect(classifyHttpStatus(status)).toBe(verdict);
  });
});

describe('links', () => {
  const token = signLink('secret-a', 'manage', 42, 'nonce-1');
  it.each([
    ['the right subscriber, purpose and nonce', 'secret-a', 'manage', 42, 'nonce-1', true],
    ['another secret', 'secret-b', 'manage', 42, 'nonce-1', false],
    ['another purpose', 'secret-a', 'confirm', 42, 'nonce-1', false],
    ['another subscriber', 'secret-a', 'manage', 43, 'nonce-1', false],
    ['a rotated nonce', 'secret-a', 'manage', 42, 'nonce-2', false],
    ['a cleared nonce', 'secret-a', 'manage', 42, null, false],
  ] as const)('verifies only for %s', (_, secret, purpose, id, nonce, ok) => {
    expect(verifyLink(secret, purpose, id, nonce, token)).toBe(ok);
  });
  it('carries 256 bits after the subscriber id', () => {
    expect(token).toMatch(/^42\.[A-Za-z0-9_-]{43}$/);
    expect(verifyLink('secret-a', 'manage', 42, 'nonce-1', `${token}x`)).toBe(false);
  });
  it('accepts only the one spelling of a link: a last character that differs only in base64 padding bits is refused', () => {
    // 43 characters carry 256 bits: the last one's two lowest bits are padding, so four characters decode alike.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    const twin = alphabet[last ^ 1]!;
    const spelledOtherwise = `${token.slice(0, -1)}${twin}`;
    expect(Buffer.from(spelledOtherwise.split('.')[1]!, 'base64url')).toEqual(Buffer.from(token.split('.')[1]!, 'base64url'));
    expect(verifyLink('secret-a', 'manage', 42, 'nonce-1', spelledOtherwise)).toBe(false);
  });
});

describe('templates, CSV, throttle, SSRF, signatures', () => {
  it('escapes values in HTML, keeps raw ones raw, drops empty sections, and refuses unknown names', () => {
    const vars = { name: '<b>Ann</b>', html: '<em>hi</em>', empty: null };
    expect(fillMailTemplate('{{name}} {{{html}}}{{#empty}} gone{{/empty}}{{#name}}!{{/name}}', vars, true)).toBe('&lt;b&gt;Ann&lt;/b&gt; <em>hi</em>!');
    expect(fillMailTemplate('{{name}}', vars, false)).toBe('<b>Ann</b>');
    expect(() => fillMailTemplate('{{nmae}}', vars, false)).toThrow(/nmae/);
  });
  it('fills in one pass: a value holding {{…}} is inserted as written, never read as template', () => {
    const vars = { a: '{{b}} {{{b}}} {{#b}}x{{/b}} {{nope}}', b: 'SECRET' };
    expect(fillMailTemplate('{{{a}}}|{{a}}', vars, true)).toBe('{{b}} {{{b}}} {{#b}}x{{/b}} {{nope}}|{{b}} {{{b}}} {{#b}}x{{/b}} {{nope}}');
    expect(fillMailTemplate('{{#a}}[{{a}}]{{/a}}', vars, false)).toBe('[{{b}} {{{b}}} {{#b}}x{{/b}} {{nope}}]');
  });
  it('nests sections and refuses one left open or closed out of turn', () => {
    expect(fillMailTemplate('{{#a}}A{{#b}}B{{/b}}{{/a}}.', { a: 'y', b: '' }, false)).toBe('A.');
    expect(() => fillMailTemplate('{{#a}}A', { a: 'y' }, false)).toThrow(/never closes/);
    expect(() => fillMailTemplate('{{#a}}{{#b}}{{/a}}{{/b}}', { a: 'y', b: 'y' }, false)).toThrow(/without a matching/);
  });
  it('stops at start on an operator template that names a value its mail does not have, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-templates-'));
    try {
      cpSync(join(CONTENT_DIR, 'emails'), join(dir, 'emails'), { recursive: true });
      expect(() => loadMailTemplates(dir)).not.toThrow();
      writeFileSync(join(dir, 'emails', 'welcome.html'), '<p>{{manageUrl}} {{confirmUrl}}</p>');
      expect(() => loadMailTemplates(dir)).toThrow(/welcome\.html names \{\{confirmUrl\}\}/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('round-trips CSV with quotes, commas and newlines, and defuses spreadsheet formulas', () => {
    const csv = toCsv([
      ['email', 'note'],
      ['a@b.c', 'x, "y"\nz'],
      ['=cmd@b.c', ''],
    ]);
    expect(parseCsv(csv)).toEqual([
      ['email', 'note'],
      ['a@b.c', 'x, "y"\nz'],
      ["'=cmd@b.c", ''],
    ]);
  });
  it('allows `limit` hits per window per key', () => {
    const throttle = createThrottle({ limit: 2, windowMs: 1000 });
    expect([throttle.hit('a', at(0)), throttle.hit('a', at(10)), throttle.hit('a', at(20)), throttle.hit('b', at(20)), throttle.hit('a', at(1001))]).toEqual([
      true,
      true,
      false,
      true,
      true,
    ]);
  });
  it.each([
    ['127.0.0.1', true],
    ['10.2.3.4', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:93.184.216.34', true],
    ['::ffff:7f00:1', true],
    ['64:ff9b::a00:1', true],
    ['2606:4700::1111', false],
    ['not-an-ip', true],
  ])('treats %s as forbidden: %s', (address, forbidden) => {
    expect(isForbiddenAddress(address)).toBe(forbidden);
  });
  it('signs a payload as t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    expect(signPayload('whsec', '{"a":1}', 1700000000)).toBe('t=1700000000,v1=8ad37ba156048ae0e0a5533c75cdf26fee88b07f93cb57ee4c80adb053012032');
  });
});
